import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import { renderSecretsDocument, type SecretsDocument } from "./secretsDocument";

export const SECRETS_FILE_PROVIDER_VERSION = "1";

export interface TenantSecretsFileArgs {
  readonly tenantId: pulumi.Input<string>;
  /** The plaintext document; a secret input, handed to sops on standard input only. */
  readonly document: pulumi.Input<SecretsDocument>;
  /** The tenant's age public key and the operators' recipients. */
  readonly recipients: pulumi.Input<pulumi.Input<string>[]>;
}

interface SecretsFileInputs {
  readonly tenantId: string;
  readonly plaintext: string;
  readonly recipients: string[];
  readonly providerVersion: string;
}

interface SecretsFileOutputs extends SecretsFileInputs {
  readonly sha256: string;
}

const runtime = runtimeModule<typeof import("./secretsFileRuntime")>(__dirname, "secretsFileRuntime");

const secretsFileProvider: ConfiguredProvider<string> = {
  configure: configureWith("controlPlaneDbUrl"),
  async diff(_id, olds: SecretsFileOutputs, news: SecretsFileInputs) {
    return keyDiff<SecretsFileInputs>(olds, news, ["plaintext", "recipients", "providerVersion"], ["tenantId"], true);
  },
  async create(inputs: SecretsFileInputs) {
    const sha256 = await runtime().writeSecretsFile(settingsOf(this), inputs.tenantId, inputs.plaintext, inputs.recipients);
    return { id: `${inputs.tenantId}-secrets-file`, outs: { ...inputs, sha256 } };
  },
  async update(_id, _olds: SecretsFileOutputs, news: SecretsFileInputs) {
    const sha256 = await runtime().writeSecretsFile(settingsOf(this), news.tenantId, news.plaintext, news.recipients);
    return { outs: { ...news, sha256 } };
  },
  async delete(_id, olds: SecretsFileOutputs) {
    await runtime().removeSecretsFile(settingsOf(this), olds.tenantId);
  },
};

/**
 * The tenant's SOPS-encrypted secrets file (DESIGN §1, §7): the real `sops` binary encrypts every
 * credential to the tenant's age key and the operators' recipients, and the ciphertext is stored in
 * the control plane. It runs again whenever a credential or a recipient changes; its delete removes
 * the file. The plaintext stays a secret in state and never reaches a command line or a log.
 */
export class TenantSecretsFile extends pulumi.dynamic.Resource {
  declare readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: TenantSecretsFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      secretsFileProvider,
      name,
      {
        tenantId: args.tenantId,
        plaintext: pulumi.secret(pulumi.output(args.document).apply(renderSecretsDocument)),
        recipients: args.recipients,
        providerVersion: SECRETS_FILE_PROVIDER_VERSION,
        sha256: undefined,
      },
      { ...opts, additionalSecretOutputs: ["plaintext"] },
      "frostbyte",
      "TenantSecretsFile",
    );
  }
}
