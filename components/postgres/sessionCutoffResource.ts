import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { PostgresAdminSettings } from "./adminSettings";

/** Bump when the provider's behaviour changes. */
export const SESSION_CUTOFF_PROVIDER_VERSION = "1";

/** Inputs of a tenant role's session cutoff. */
export interface PostgresSessionCutoffArgs {
  /** The tenant's login role (DESIGN §1). */
  readonly role: pulumi.Input<string>;
  /** True while the tenant is suspended. */
  readonly suspended: pulumi.Input<boolean>;
  /** The tenant's credential rotation token: a new one is a new password. */
  readonly rotation: pulumi.Input<string>;
}

type CutoffInputs = ProviderInputs<PostgresSessionCutoffArgs>;

/** Whether the role's open sessions must end: it is suspended (NOLOGIN), or its password was rotated. */
export function cutoffNeeded(olds: CutoffInputs | undefined, news: CutoffInputs): boolean {
  return news.suspended || (olds !== undefined && olds.rotation !== news.rotation);
}

const operations = runtimeModule<typeof import("./sessionCutoff")>(__dirname, "sessionCutoff");

/**
 * Ends a tenant role's open sessions whenever the role is suspended or its password rotated. It
 * depends on the role, so the engine runs it after ALTER ROLE: no session opened with the old
 * credentials can outlive the change, and none can be opened after it.
 */
const sessionCutoffProvider: ConfiguredProvider<PostgresAdminSettings> = {
  configure: configureWith("postgresAdminSettings"),
  async diff(_id, olds: CutoffInputs, news: CutoffInputs) {
    return keyDiff(olds, news, ["suspended", "rotation", "providerVersion"], ["role"]);
  },
  async create(inputs: CutoffInputs) {
    if (cutoffNeeded(undefined, inputs)) await operations().terminateRoleSessions(settingsOf(this), inputs.role);
    return { id: inputs.role, outs: inputs };
  },
  async update(_id, olds: CutoffInputs, news: CutoffInputs) {
    if (cutoffNeeded(olds, news)) await operations().terminateRoleSessions(settingsOf(this), news.role);
    return { outs: news };
  },
  async delete() {
    // Nothing to undo: the cutoff holds no object of its own.
  },
};

/** Ends a tenant role's sessions on suspension and rotation (PostgreSQL keeps them otherwise). */
export class PostgresSessionCutoff extends pulumi.dynamic.Resource {
  constructor(name: string, args: PostgresSessionCutoffArgs, opts?: pulumi.CustomResourceOptions) {
    super(sessionCutoffProvider, name, { ...args, providerVersion: SESSION_CUTOFF_PROVIDER_VERSION }, opts, "frostbyte", "PostgresSessionCutoff");
  }
}
