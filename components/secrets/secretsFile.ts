import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { renderSecretsDocument, type SecretsDocument } from "./secretsDocument";

export interface TenantSecretsFileArgs {
  readonly tenantId: string;
  /** The plaintext document; it reaches sops on standard input only. */
  readonly document: pulumi.Input<SecretsDocument>;
  /** The tenant's age public key and the operators' recipients. */
  readonly recipients: pulumi.Input<pulumi.Input<string>[]>;
  /** The control plane the file is stored in; passed to the command's environment, never its command line. */
  readonly controlPlaneDbUrl: pulumi.Input<string>;
}

/** The compiled `frostbyte` command beside this module (bin/cli/main.js). */
const FROSTBYTE_CLI = `${__dirname}/../../cli/main.js`;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The tenant's SOPS-encrypted secrets file (DESIGN §1, §7), written by the real `sops` binary
 * through `frostbyte secrets write`, run as a command resource: it runs again whenever a credential
 * or a recipient changes, reads the plaintext on standard input, and prints only the ciphertext's
 * hash. Its delete removes the file from the control plane.
 */
export function createTenantSecretsFile(name: string, args: TenantSecretsFileArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
  const write = pulumi
    .output(args.recipients)
    .apply((recipients) => [`node ${shellQuote(FROSTBYTE_CLI)} secrets write ${args.tenantId}`, ...recipients.map((r) => `--recipient ${r}`)].join(" "));
  return new command.local.Command(
    name,
    {
      create: write,
      update: write,
      delete: `node ${shellQuote(FROSTBYTE_CLI)} secrets delete ${args.tenantId}`,
      stdin: pulumi.secret(pulumi.output(args.document).apply(renderSecretsDocument)),
      environment: { FROSTBYTE_CONTROL_DB_URL: pulumi.secret(args.controlPlaneDbUrl) },
    },
    { ...opts, additionalSecretOutputs: ["stdin", "environment"] },
  );
}
