import * as pulumi from "@pulumi/pulumi";
import type { JsonObject } from "../../domain";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { runtimeModule } from "../providerRuntime/runtimeModule";

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
  /** The credential rotation token the stores now hold; a new one is recorded as a rotation. */
  readonly credentialRotation: pulumi.Input<string>;
}

/**
 * The args resolved (JSON endpoints as they are: pulumi's Unwrap does not end on a recursive type).
 * `credentialRotation` is absent in the state of a resource created before rotation existed: that is `initial`.
 */
type CompleteInputs = Omit<ProviderInputs<Omit<TenantProvisioningCompleteArgs, "endpoints">>, "credentialRotation"> & {
  readonly endpoints: JsonObject;
  readonly credentialRotation?: string;
};

/**
 * The rotation token a state or input stands for. The literal is INITIAL_ROTATION
 * (domain/config/rotation.ts), written out so the serialised provider captures no module.
 */
const rotationOf = (inputs: CompleteInputs): string => inputs.credentialRotation ?? "initial";

const runtime = runtimeModule<typeof import("./providerRuntime")>(__dirname, "providerRuntime");

const provisioningCompleteProvider: ConfiguredProvider<string> = {
  configure: configureWith("controlPlaneDbUrl"),
  async diff(_id, olds: CompleteInputs, news: CompleteInputs) {
    const keys = ["endpoints", "resources", "suspended", "provisioningRun", "providerVersion"] as const;
    const inputsChanged = keys.some((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key])) || rotationOf(olds) !== rotationOf(news);
    const state = await runtime().registryState(settingsOf(this), news.tenantId);
    const wanted = news.suspended ? "SUSPENDED" : "ACTIVE";
    const registryBehind = state !== undefined && state !== wanted;
    return { changes: inputsChanged || registryBehind, replaces: olds.tenantId !== news.tenantId ? ["tenantId"] : [] };
  },
  async create(inputs: CompleteInputs) {
    await runtime().finishProvisioning(settingsOf(this), { ...inputs, rotation: rotationOf(inputs) });
    return { id: inputs.tenantId, outs: inputs };
  },
  async update(_id, olds: CompleteInputs, news: CompleteInputs) {
    // Runs after every store took the new credentials and the isolation check passed with them, so
    // a changed token here is a rotation that really happened.
    await runtime().finishProvisioning(settingsOf(this), { ...news, rotation: rotationOf(news), previousRotation: rotationOf(olds) });
    return { outs: news };
  },
  async delete(_id, olds: CompleteInputs) {
    await runtime().startDeprovisioning(settingsOf(this), olds.tenantId);
  },
};

/**
 * The last resource of a tenant: it depends on every store (and the isolation check), so its
 * create/update runs only once they all exist (→ ACTIVE, endpoints, TENANT_PROVISIONED; a new
 * rotation token → TENANT_CREDENTIALS_ROTATED) and its delete runs first in a destroy
 * (→ DEPROVISIONING).
 */
export class TenantProvisioningComplete extends pulumi.dynamic.Resource {
  declare readonly tenantId: pulumi.Output<string>;

  constructor(name: string, args: TenantProvisioningCompleteArgs, opts?: pulumi.CustomResourceOptions) {
    super(provisioningCompleteProvider, name, { ...args, providerVersion: PROVISIONING_COMPLETE_VERSION }, opts, "frostbyte", "TenantProvisioningComplete");
  }
}
