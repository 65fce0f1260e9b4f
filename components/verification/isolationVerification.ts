import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { IsolationCheckInput } from "./verifyIsolation";

export const ISOLATION_VERIFICATION_VERSION = "1";

/** Inputs: where the stores are, the tenant's own credentials (secret), and the ids it verifies. */
export interface TenantIsolationVerificationArgs {
  readonly check: pulumi.Input<IsolationCheckInput>;
  /** Ids of the store resources: a replaced or re-credentialed store is verified again. */
  readonly storeIds: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

type VerificationInputs = ProviderInputs<TenantIsolationVerificationArgs>;

const runtime = runtimeModule<typeof import("./isolationRuntime")>(__dirname, "isolationRuntime");

const isolationVerificationProvider: ConfiguredProvider<string> = {
  configure: configureWith("controlPlaneDbUrl"),
  async diff(_id, olds: VerificationInputs, news: VerificationInputs) {
    return { changes: JSON.stringify(olds) !== JSON.stringify(news) };
  },
  async create(inputs: VerificationInputs) {
    await runtime().verifyAndRecord(settingsOf(this), inputs.check);
    return { id: `${inputs.check.tenantId}-isolation`, outs: inputs };
  },
  async update(_id, _olds: VerificationInputs, news: VerificationInputs) {
    await runtime().verifyAndRecord(settingsOf(this), news.check);
    return { outs: news };
  },
  async delete() {
    // Nothing was created: the verification leaves no trace but its audit event.
  },
};

/**
 * Proves, after every store exists, that the tenant's credentials reach its own namespaces and
 * are refused on a neighbour's; a breach fails the deployment and moves the tenant to FAILED.
 */
export class TenantIsolationVerification extends pulumi.dynamic.Resource {
  constructor(name: string, args: TenantIsolationVerificationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      isolationVerificationProvider,
      name,
      { ...args, providerVersion: ISOLATION_VERIFICATION_VERSION },
      { ...opts, additionalSecretOutputs: ["check"] },
      "frostbyte",
      "TenantIsolationVerification",
    );
  }
}
