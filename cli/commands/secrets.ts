/**
 * `frostbyte secrets write|show|delete <id>`: the tenant's SOPS-encrypted secrets file in the
 * control plane. `write` is what the stack's command resource runs: it reads the plaintext YAML on
 * standard input, encrypts it with the real sops binary and prints only the ciphertext's sha256.
 */
import type { Command } from "commander";
import { AGE_RECIPIENT_PATTERN, assertTenantId, tenantNames } from "../../domain";
import { deleteSecretsFile, getSecretsFile, sopsEncryptYaml, storeSecretsFile } from "../../controlplane";
import { withPool } from "../controlPlane";
import { CliError, type CliIo } from "../io";

export async function secretsWrite(io: CliIo, tenantId: string, recipients: readonly string[]): Promise<void> {
  const id = assertTenantId(tenantId);
  const bad = recipients.find((r) => !AGE_RECIPIENT_PATTERN.test(r));
  if (bad !== undefined) throw new CliError(`--recipient ${JSON.stringify(bad)}: must be an age X25519 public key (age1…)`);
  if (recipients.length === 0) throw new CliError("give at least one --recipient");
  const plaintext = await io.readStdin();
  if (plaintext.trim() === "") throw new CliError("nothing to encrypt: standard input is empty");
  const ciphertext = await sopsEncryptYaml(plaintext, recipients, tenantNames(id).secretsFile);
  const stored = await withPool(io, (pool) => storeSecretsFile(pool, id, ciphertext, recipients));
  io.stdout(`${stored.path} sha256:${stored.sha256}\n`);
}

export async function secretsShow(io: CliIo, tenantId: string): Promise<void> {
  const id = assertTenantId(tenantId);
  const file = await withPool(io, (pool) => getSecretsFile(pool, id));
  if (!file) throw new CliError(`tenant "${id}" has no secrets file`);
  io.stdout(file.ciphertext);
}

export async function secretsDelete(io: CliIo, tenantId: string): Promise<void> {
  const id = assertTenantId(tenantId);
  const removed = await withPool(io, (pool) => deleteSecretsFile(pool, id));
  io.stdout(removed ? `${tenantNames(id).secretsFile} deleted\n` : `tenant "${id}" had no secrets file\n`);
}

export function registerSecretsCommands(program: Command, io: CliIo): void {
  const secrets = program.command("secrets").description("tenants' SOPS-encrypted secrets files in the control plane");
  secrets
    .command("write")
    .description("encrypt the YAML on standard input with sops to the given age recipients and store it")
    .argument("<id>", "tenant id")
    .option("--recipient <age1…>", "an age recipient (repeat for each)", (value: string, all: string[]) => [...all, value], [] as string[])
    .action((id: string, options: { recipient: string[] }) => secretsWrite(io, id, options.recipient));
  secrets.command("show").description("print the tenant's encrypted file (pipe to `sops -d`)").argument("<id>", "tenant id").action((id: string) => secretsShow(io, id));
  secrets.command("delete").description("delete the tenant's encrypted file").argument("<id>", "tenant id").action((id: string) => secretsDelete(io, id));
}
