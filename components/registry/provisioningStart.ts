import * as pulumi from "@pulumi/pulumi";
import type { JsonObject, TenantConfig } from "../../domain";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";

/** Bump when the provider's behaviour changes, so existing resources are updated by it. */
export const PROVISIONING_START_VERSION = "1";

export interface TenantProvisioningStartArgs {
  readonly tenantId: pulumi.Input<string>;
  readonly config: pulumi.Input<TenantConfig>;
}

type StartInputs = ProviderInputs<TenantProvisioningStartArgs>;

interface StartOutputs extends StartInputs {
  /** Bumped on every run that (re)starts provisioning, so the completion marker always follows it. */
  readonly provisioningRun: number;
}

const runtime = runtimeModule<typeof import("./providerRuntime")>(__dirname, "providerRuntime");

const provisioningStartProvider: ConfiguredProvider<string> = {
  configure: configureWith("controlPlaneDbUrl"),
  async diff(_id, olds: StartOutputs, news: StartInputs) {
    const inputs = keyDiff<StartInputs>(olds, news, ["config", "providerVersion"], ["tenantId"]);
    // The registry may have moved on since the last run (a failure, a crash): such a tenant must
    // go through PROVISIONING again even when its inputs did not change.
    const state = await runtime().registryState(settingsOf(this), news.tenantId);
    const registryBehind = state !== undefined && state !== "ACTIVE" && state !== "SUSPENDED";
    return { ...inputs, changes: inputs.changes || registryBehind };
  },
  async create(inputs: StartInputs) {
    await runtime().startProvisioning(settingsOf(this), inputs);
    return { id: inputs.tenantId, outs: { ...inputs, provisioningRun: 1 } };
  },
  async update(_id, olds: StartOutputs, news: StartInputs) {
    await runtime().startProvisioning(settingsOf(this), news);
    return { outs: { ...news, provisioningRun: olds.provisioningRun + 1 } };
  },
  async delete(_id, olds: StartOutputs) {
    // Deletion runs in reverse dependency order: the age key and the secrets file, which depend on
    // this resource, are already gone when this runs.
    const details: JsonObject = {
      destroyed_by: "pulumi destroy",
      age_identity: "shredded: old secrets files can no longer be decrypted with the tenant's key",
      sops_file: "deleted from the control plane",
    };
    await runtime().finishDeprovisioning(settingsOf(this), olds.tenantId, details);
  },
};

/**
 * The first resource of a tenant: every store depends on it, so its create/update runs before any
 * store is touched (tenant → PROVISIONING) and its delete runs after every store is gone
 * (DEPROVISIONING → DEPROVISIONED).
 */
export class TenantProvisioningStart extends pulumi.dynamic.Resource {
  declare readonly tenantId: pulumi.Output<string>;
  declare readonly provisioningRun: pulumi.Output<number>;

  constructor(name: string, args: TenantProvisioningStartArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provisioningStartProvider,
      name,
      { ...args, providerVersion: PROVISIONING_START_VERSION, provisioningRun: undefined },
      opts,
      "frostbyte",
      "TenantProvisioningStart",
    );
  }
}
