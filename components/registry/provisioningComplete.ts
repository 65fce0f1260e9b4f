import * as pulumi from "@pulumi/pulumi";
import type { JsonObject } from "../../controlplane";
import { controlPlaneUrlFrom, type ControlPlaneProvider } from "./providerSettings";

export const PROVISIONING_COMPLETE_VERSION = "1";

export interface TenantProvisioningCompleteArgs {
  readonly tenantId: pulumi.Input<string>;
  /** Public endpoints to record (never a secret). */
  readonly endpoints: pulumi.Input<JsonObject>;
  /** Ids of the provisioned resources, for TENANT_PROVISIONED. */
  readonly resources: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly suspended: pulumi.Input<boolean>;
  /** The start marker's run counter: a new provisioning run always completes here. */
  readonly provisioningRun: pulumi.Input<number>;
}

interface CompleteInputs {
  readonly tenantId: string;
  readonly endpoints: JsonObject;
  readonly resources: JsonObject;
  readonly suspended: boolean;
  readonly provisioningRun: number;
  readonly providerVersion: string;
}

/** Loaded by path inside each call; see providerRuntime.ts for why it is not captured. */
const RUNTIME_MODULE = `${__dirname}/providerRuntime`;
const runtime = () => require(RUNTIME_MODULE) as typeof import("./providerRuntime");

const provisioningCompleteProvider: pulumi.dynamic.ResourceProvider & ControlPlaneProvider = {
  async configure(req) {
    this.controlPlaneDbUrl = controlPlaneUrlFrom(req.config);
  },
  async diff(_id, olds: CompleteInputs, news: CompleteInputs) {
    const keys = ["endpoints", "resources", "suspended", "provisioningRun", "providerVersion"] as const;
    const inputsChanged = keys.some((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
    const state = await runtime().registryState(this.controlPlaneDbUrl, news.tenantId);
    const wanted = news.suspended ? "SUSPENDED" : "ACTIVE";
    const registryBehind = state !== undefined && state !== wanted;
    return { changes: inputsChanged || registryBehind, replaces: olds.tenantId !== news.tenantId ? ["tenantId"] : [] };
  },
  async create(inputs: CompleteInputs) {
    await runtime().finishProvisioning(this.controlPlaneDbUrl, inputs);
    return { id: inputs.tenantId, outs: inputs };
  },
  async update(_id, _olds: CompleteInputs, news: CompleteInputs) {
    await runtime().finishProvisioning(this.controlPlaneDbUrl, news);
    return { outs: news };
  },
  async delete(_id, olds: CompleteInputs) {
    await runtime().startDeprovisioning(this.controlPlaneDbUrl, olds.tenantId);
  },
};

/**
 * The last resource of a tenant: it depends on every store (and the isolation check), so its
 * create/update runs only once they all exist (→ ACTIVE, endpoints, TENANT_PROVISIONED) and its
 * delete runs first in a destroy (→ DEPROVISIONING).
 */
export class TenantProvisioningComplete extends pulumi.dynamic.Resource {
  declare readonly tenantId: pulumi.Output<string>;

  constructor(name: string, args: TenantProvisioningCompleteArgs, opts?: pulumi.CustomResourceOptions) {
    super(provisioningCompleteProvider, name, { ...args, providerVersion: PROVISIONING_COMPLETE_VERSION }, opts, "frostbyte", "TenantProvisioningComplete");
  }
}
