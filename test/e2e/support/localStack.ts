import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LocalWorkspace, type ConfigMap, type Stack } from "@pulumi/pulumi/automation";
import type { TenantCredentials, TenantEndpoints } from "../../../components";
import { upsertStackConfig } from "../../../stacks/configWriter";

/** The project root: Pulumi.yaml, and bin/ built by `npm run build`. */
export const PROJECT_ROOT = resolve(__dirname, "../../..");

/**
 * A stack of the project's own program on a file backend in a temp dir, driven by the Automation
 * API with the real engine (the CLI and plugins on PATH from scripts/setup-engine.sh). `workDir`
 * (default: this checkout) and `stateDir` (default: a new temp dir) place it elsewhere.
 */
export async function localStack(
  stackName: string,
  config: { values: Record<string, unknown>; secretKeys: readonly string[] },
  where: { readonly workDir?: string; readonly stateDir?: string } = {},
): Promise<{ stack: Stack; stateDir: string }> {
  const stateDir = where.stateDir ?? (await mkdtemp(join(tmpdir(), "frostbyte-state-")));
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir: where.workDir ?? PROJECT_ROOT },
    {
      envVars: {
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "frostbyte-e2e-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        SOPS_DISABLE_VERSION_CHECK: "1",
      },
    },
  );
  await setStackConfig(stack, config);
  return { stack, stateDir };
}

/** Sets the stack's config (other keys are kept): objects as JSON text, as `pulumi config set` stores them. */
export async function setStackConfig(stack: Stack, config: { values: Record<string, unknown>; secretKeys: readonly string[] }): Promise<void> {
  const map: ConfigMap = Object.fromEntries(
    Object.entries(config.values).map(([key, value]) => [
      key,
      { value: typeof value === "string" ? value : JSON.stringify(value), secret: config.secretKeys.includes(key) },
    ]),
  );
  // As the product writes it: secrets through stdin, never on a command line.
  await upsertStackConfig(stack, map);
}

/** A tenant's outputs as its stack (`tenant-{id}`) exports them. */
export interface TenantStackOutputs {
  readonly credentials: TenantCredentials;
  readonly endpoints: TenantEndpoints;
}

/** Reads a tenant's credentials and endpoints from its stack, as an operator would, with `envVars` (backend, passphrase, …). */
export async function tenantStackOutputs(envVars: Record<string, string>, tenantId: string): Promise<TenantStackOutputs> {
  const workspace = await LocalWorkspace.create({ workDir: PROJECT_ROOT, envVars });
  const outputs = await workspace.stackOutputs(`tenant-${tenantId}`);
  const entry = (outputs["tenantOutputs"]?.value as Record<string, TenantStackOutputs> | undefined)?.[tenantId];
  if (!entry) throw new Error(`no outputs for ${tenantId}`);
  return entry;
}
