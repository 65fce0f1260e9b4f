import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";

export const AGE_KEY_PROVIDER_VERSION = "1";

export interface TenantAgeKeyArgs {
  readonly tenantId: pulumi.Input<string>;
  /** Changing it generates a new key pair (and so re-encrypts the secrets file). */
  readonly rotation: pulumi.Input<string>;
}

type AgeKeyInputs = ProviderInputs<TenantAgeKeyArgs>;

interface AgeKeyOutputs extends AgeKeyInputs {
  readonly publicKey: string;
  readonly privateKey: string;
}

const runtime = runtimeModule<typeof import("./ageKeyRuntime")>(__dirname, "ageKeyRuntime");

const ageKeyProvider: ConfiguredProvider<string> = {
  configure: configureWith("controlPlaneDbUrl"),
  async diff(_id, olds: AgeKeyOutputs, news: AgeKeyInputs) {
    return keyDiff<AgeKeyInputs>(olds, news, ["providerVersion"], ["tenantId", "rotation"]);
  },
  async create(inputs: AgeKeyInputs) {
    const pair = await runtime().generateAgeKeyPair();
    await runtime().recordAgePublicKey(settingsOf(this), inputs.tenantId, pair.publicKey);
    return { id: `${inputs.tenantId}-age-key`, outs: { ...inputs, ...pair } };
  },
  async update(_id, olds: AgeKeyOutputs, news: AgeKeyInputs) {
    return { outs: { ...news, publicKey: olds.publicKey, privateKey: olds.privateKey } };
  },
  async delete() {
    // Shredding: the private key exists only in this resource's (encrypted) state, which the
    // engine drops when the delete succeeds; nothing else holds a copy.
  },
};

/**
 * The tenant's age key pair (DESIGN §7, first step). The private key is a Pulumi secret and lives
 * only in the stack's encrypted state; the public key is recorded in the registry and is the
 * recipient of the tenant's SOPS secrets file. Destroying the resource shreds the key.
 */
export class TenantAgeKey extends pulumi.dynamic.Resource {
  declare readonly publicKey: pulumi.Output<string>;
  declare readonly privateKey: pulumi.Output<string>;

  constructor(name: string, args: TenantAgeKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ageKeyProvider,
      name,
      { ...args, providerVersion: AGE_KEY_PROVIDER_VERSION, publicKey: undefined, privateKey: undefined },
      { ...opts, additionalSecretOutputs: ["privateKey"] },
      "frostbyte",
      "TenantAgeKey",
    );
  }
}
