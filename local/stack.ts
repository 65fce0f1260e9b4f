/**
 * The `local` stack: this project's program on a file backend inside the sandbox directory, its
 * config pointing at the local environment, driven by the Automation API.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { LocalWorkspace, Stack, type ConfigMap } from "@pulumi/pulumi/automation";
import { upsertStackConfig } from "../stacks/configWriter";
import { findProjectDir, PASSPHRASE_ENV } from "../stacks/settings";
import type { LocalEnvironmentDescription } from "./environmentFile";
import type { LocalPaths } from "./paths";

/** The stack's name: `local`, or FROSTBYTE_LOCAL_STACK (tests use their own, so a developer's sandbox is never touched). */
export const LOCAL_STACK_NAME = process.env["FROSTBYTE_LOCAL_STACK"] ?? "local";

async function passphrase(paths: LocalPaths): Promise<string> {
  const given = process.env[PASSPHRASE_ENV];
  if (given) return given;
  try {
    return (await readFile(paths.passphraseFile, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const generated = randomBytes(24).toString("base64url");
  await writeFile(paths.passphraseFile, `${generated}\n`, { mode: 0o600 });
  return generated;
}

/** The variables a `pulumi` command needs to reach the local stack (also printed for the operator). */
export async function localStackEnv(paths: LocalPaths): Promise<Record<string, string>> {
  return {
    PULUMI_BACKEND_URL: `file://${paths.stateDir}`,
    [PASSPHRASE_ENV]: await passphrase(paths),
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
}

function configMap(description: LocalEnvironmentDescription, tenants: readonly unknown[]): ConfigMap {
  const values: Record<string, unknown> = { ...description.stackConfig.values, "frostbyte:tenants": tenants };
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, { value: typeof value === "string" ? value : JSON.stringify(value), secret: description.stackConfig.secretKeys.includes(key) }]),
  );
}

/** Creates or selects the `local` stack and writes its config for `tenants`. */
export async function selectLocalStack(paths: LocalPaths, description: LocalEnvironmentDescription, tenants: readonly unknown[]): Promise<Stack> {
  await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
  const stack = await LocalWorkspace.createOrSelectStack({ stackName: LOCAL_STACK_NAME, workDir: findProjectDir() }, { envVars: await localStackEnv(paths) });
  // Secrets through stdin, never on the `pulumi` command line (stacks/configWriter.ts).
  await upsertStackConfig(stack, configMap(description, tenants));
  return stack;
}

/** The `local` stack when it exists. */
export async function existingLocalStack(paths: LocalPaths): Promise<Stack | undefined> {
  if (!existsSync(paths.stateDir)) return undefined;
  const workspace = await LocalWorkspace.create({ workDir: findProjectDir(), envVars: await localStackEnv(paths) });
  const stacks = await workspace.listStacks();
  if (!stacks.some((summary) => summary.name === LOCAL_STACK_NAME)) return undefined;
  return Stack.select(LOCAL_STACK_NAME, workspace);
}
