import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { PostgresAdminSettings } from "./adminSettings";

/** Bump when the provider's behaviour changes. */
export const DATABASE_OPENING_PROVIDER_VERSION = "1";

/** Inputs of a tenant database's opening. */
export interface PostgresDatabaseOpeningArgs {
  /** The tenant's database (DESIGN §1), created with ALLOW_CONNECTIONS false. */
  readonly database: pulumi.Input<string>;
}

type OpeningInputs = ProviderInputs<PostgresDatabaseOpeningArgs>;

const operations = runtimeModule<typeof import("./databaseOpening")>(__dirname, "databaseOpening");

/**
 * Opens a tenant's database to connections once PUBLIC's CONNECT on it is revoked: it depends on
 * the revoke, so the engine runs it after. Deleting it closes nothing; the database goes with its
 * own resource.
 */
const databaseOpeningProvider: ConfiguredProvider<PostgresAdminSettings> = {
  configure: configureWith("postgresAdminSettings"),
  async diff(_id, olds: OpeningInputs, news: OpeningInputs) {
    return keyDiff(olds, news, ["providerVersion"], ["database"]);
  },
  async create(inputs: OpeningInputs) {
    await operations().openTenantDatabase(settingsOf(this), inputs.database);
    return { id: inputs.database, outs: inputs };
  },
  async update(_id, _olds: OpeningInputs, news: OpeningInputs) {
    await operations().openTenantDatabase(settingsOf(this), news.database);
    return { outs: news };
  },
  async delete() {
    // Nothing to undo: the database is dropped by its own resource.
  },
};

/** Lets connections into a tenant's database after its REVOKE from PUBLIC (databaseOpening.ts). */
export class PostgresDatabaseOpening extends pulumi.dynamic.Resource {
  constructor(name: string, args: PostgresDatabaseOpeningArgs, opts?: pulumi.CustomResourceOptions) {
    super(databaseOpeningProvider, name, { ...args, providerVersion: DATABASE_OPENING_PROVIDER_VERSION }, opts, "frostbyte", "PostgresDatabaseOpening");
  }
}
