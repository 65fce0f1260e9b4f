#!/usr/bin/env node
/**
 * The local sandbox (README "Run it locally"): `up` starts real PostgreSQL, Redis and MinIO and
 * the Hetzner Cloud and Qdrant API test doubles on loopback, runs `pulumi up` of this project's
 * program on the `local` stack (file backend in the sandbox directory), and prints the tenant's
 * outputs and registry row; `down` destroys the stack, removes it, stops everything and deletes
 * the sandbox directory.
 */
import { rm } from "node:fs/promises";
import { Command, CommanderError } from "commander";
import { assertTenantId } from "../domain";
import { redact } from "../cli/errorLine";
import { cliErrorLines } from "../stacks/errors";
import { runWithPolicyPack } from "../stacks/policyRun";
import { localPaths, type LocalPaths } from "./paths";
import { formatOutputs, formatRegistry } from "./report";
import { existingLocalStack, localStackEnv, LOCAL_STACK_NAME, selectLocalStack } from "./stack";
import { ensureEnvironment, runningEnvironment, stopEnvironment } from "./supervisorProcess";

const DEFAULT_TENANT = "demo";
const log = (line: string) => void process.stdout.write(`local: ${line}\n`);
const passThrough = (text: string) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);

function sampleTenant(id: string): unknown {
  return { id, config: { network: { ssh_cidrs: ["198.51.100.0/24"] } } };
}

async function up(paths: LocalPaths, tenantIds: readonly string[]): Promise<void> {
  const ids = tenantIds.map((id) => assertTenantId(id));
  const environment = await ensureEnvironment(paths, log);
  for (const [name, where] of Object.entries(environment.services)) log(`${name.padEnd(8)} ${where}`);
  const stack = await selectLocalStack(paths, environment, ids.map(sampleTenant));
  log(`pulumi up on stack "${LOCAL_STACK_NAME}" with the policy pack (state in ${paths.stateDir})`);
  // A policy violation fails the run before the refused resource is touched; the tenants it left
  // PROVISIONING are recorded FAILED with the policy's message (the program's error hooks never hear of it).
  const settle = { controlPlaneDbUrl: environment.controlPlaneRuntimeUrl, tenantIds: ids };
  const { result, policyPacks } = await runWithPolicyPack({ what: `pulumi up of stack "${LOCAL_STACK_NAME}"`, redact, settle }, (engine) =>
    stack.up({ onOutput: passThrough, color: "never", ...engine }),
  );
  const packs = Object.entries(policyPacks ?? {}).map(([name, version]) => `${name} ${version}`).join(", ");
  log(`pulumi up ${result.summary.result} in ${Math.round((result.summary.endTime.getTime() - result.summary.startTime.getTime()) / 1000)} s; policy pack ${packs} passed`);
  process.stdout.write(`\nstack outputs (credentials are secret):\n${formatOutputs(await stack.outputs())}\n\n`);
  process.stdout.write(`${await formatRegistry(environment.controlPlaneRuntimeUrl, ids)}\n\n`);
  const env = await localStackEnv(paths);
  log("to use pulumi on this stack yourself:");
  process.stdout.write(`  export PULUMI_BACKEND_URL=${env["PULUMI_BACKEND_URL"] ?? ""} PULUMI_CONFIG_PASSPHRASE_FILE=${paths.passphraseFile}\n`);
  process.stdout.write(`  pulumi stack select ${LOCAL_STACK_NAME} && pulumi stack output --show-secrets tenantOutputs\n`);
  process.stdout.write(`  FROSTBYTE_CONTROL_DB_URL='${environment.controlPlaneRuntimeUrl}' npm run frostbyte -- tenant show ${ids[0] ?? DEFAULT_TENANT}\n`);
  log("tear it all down with: bash scripts/local.sh down");
}

async function down(paths: LocalPaths): Promise<void> {
  const environment = await runningEnvironment(paths);
  const stack = await existingLocalStack(paths);
  if (stack !== undefined) {
    if (environment !== undefined) {
      log(`pulumi destroy on stack "${LOCAL_STACK_NAME}"`);
      await stack.destroy({ onOutput: passThrough, color: "never" });
    } else {
      // The stores are gone (the supervisor was killed or the machine restarted): so is everything the stack made.
      log(`the local stores are not running, so the stack's resources are already gone; removing the stack's state only`);
    }
    await stack.workspace.removeStack(LOCAL_STACK_NAME, { force: true });
    log(`stack "${LOCAL_STACK_NAME}" removed`);
  }
  await stopEnvironment(paths, log);
  await rm(paths.root, { recursive: true, force: true });
  log(`removed ${paths.root}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("local").description("the local sandbox: real stores and API test doubles on loopback, and the `local` stack").exitOverride();
  program
    .command("up")
    .description("start the local stores and doubles (if not running) and pulumi up the `local` stack")
    .option("--tenant <id...>", "tenant ids to provision", [DEFAULT_TENANT])
    .action((options: { tenant: string[] }) => up(localPaths(), options.tenant));
  program.command("down").description("destroy and remove the `local` stack, stop the stores and doubles, delete the sandbox").action(() => down(localPaths()));
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`local: ${redact(cliErrorLines(error instanceof Error ? error.message : String(error)))}\n`);
    return 1;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
