import * as pulumi from "@pulumi/pulumi";
import { prepareTenantPostgresServer } from "../../platform/tenantPostgresServer";
import type { PostgresAdminSettings } from "../postgres/adminSettings";
import { configureWith } from "../providerRuntime/configuredProvider";

/** Bump when the provider's behaviour changes. */
export const POSTGRES_PREPARATION_PROVIDER_VERSION = "1";

/** Inputs of the platform's PostgreSQL preparation. */
export interface OfflinePostgresPreparationArgs {
  /** The PostgreSQL container's id: a new container (or image) prepares its server again. */
  readonly container: pulumi.Input<string>;
  /** The role the stack's providers log in as (`postgresql:username`). */
  readonly adminRole: string;
}

interface PreparationInputs {
  readonly container: string;
  readonly adminRole: string;
  readonly providerVersion: string;
}

/** The server's superuser URL for {@link prepareTenantPostgresServer}; lives only inside the provider's process. */
export function adminUrlOf(settings: PostgresAdminSettings): string {
  const auth = `${encodeURIComponent(settings.user)}:${encodeURIComponent(settings.password)}`;
  return `postgresql://${auth}@${settings.host}:${settings.port}/${encodeURIComponent(settings.database)}?sslmode=${encodeURIComponent(settings.sslmode)}`;
}

interface PreparationProvider extends pulumi.dynamic.ResourceProvider {
  settings?: PostgresAdminSettings;
}

/**
 * Closes the server's own databases to tenants (see {@link prepareTenantPostgresServer}) and fails
 * when another database that is no tenant's is still open to PUBLIC.
 */
export async function prepareOfflinePostgres(settings: PostgresAdminSettings, adminRole: string): Promise<void> {
  const done = await prepareTenantPostgresServer(adminUrlOf(settings), [adminRole]);
  if (done.stillOpen.length > 0) {
    throw new Error(`the platform's PostgreSQL has databases PUBLIC may connect to that are no tenant's: ${done.stillOpen.join(", ")}; revoke CONNECT on them from PUBLIC`);
  }
}

async function prepare(provider: PreparationProvider, inputs: PreparationInputs): Promise<void> {
  if (!provider.settings) throw new Error("the offline PostgreSQL preparation provider was not configured: postgresql:* is missing");
  await prepareOfflinePostgres(provider.settings, inputs.adminRole);
}

/**
 * What `frostbyte db prepare-tenant-server` does on a site's own tenant-database server, done by
 * the offline platform on the PostgreSQL it runs: `postgres` and `template1` closed to PUBLIC,
 * CONNECT on `postgres` and `pg_signal_backend` for the admin role. Idempotent; nothing to undo
 * on delete (the data volume outlives the platform, and the closed databases with it).
 */
const preparationProvider: PreparationProvider = {
  configure: configureWith("postgresAdminSettings"),
  async diff(_id, olds: PreparationInputs, news: PreparationInputs) {
    const changes = (["container", "adminRole", "providerVersion"] as const).some((key) => olds[key] !== news[key]);
    return { changes, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: PreparationInputs) {
    await prepare(this, inputs);
    return { id: "postgres", outs: inputs };
  },
  async update(_id, _olds: PreparationInputs, news: PreparationInputs) {
    await prepare(this, news);
    return { outs: news };
  },
  async delete() {
    // Nothing to undo: see above.
  },
};

/** Closes the platform PostgreSQL's own databases to tenants before any tenant is created. */
export class OfflinePostgresPreparation extends pulumi.dynamic.Resource {
  constructor(name: string, args: OfflinePostgresPreparationArgs, opts?: pulumi.CustomResourceOptions) {
    super(preparationProvider, name, { ...args, providerVersion: POSTGRES_PREPARATION_PROVIDER_VERSION }, opts, "frostbyte", "OfflinePostgresPreparation");
  }
}
