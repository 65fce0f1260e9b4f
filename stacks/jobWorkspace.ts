/**
 * A workspace of its own for each job of a worker. Parallel `stack select` in one workspace can
 * corrupt its workspace file (pulumi/pulumi#8186), and that file is keyed by the project directory:
 * so each job gets a directory of its own holding the project's manifest and links to its compiled
 * program, policy pack and dependencies. Everything else is shared: the state backend, the plugin
 * cache (PULUMI_HOME) and the compiled program itself. Stack config is written from the registry
 * by every operation, so nothing a job writes in its directory is needed afterwards.
 */
import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BaseConfig } from "./baseConfig";
import { baseConfigRedactor } from "./redact";
import type { StackSettings } from "./settings";
import { TenantStacks } from "./tenantStacks";
import { StackWorkspace } from "./workspace";

/** Where job directories go (default: the system's temporary directory). */
export const JOB_DIR_ENV = "FROSTBYTE_WORKER_JOB_DIR";

/** Linked, not copied, into each job's directory. */
const LINKED = ["bin", "node_modules", "policy"];
const COPIED = ["Pulumi.yaml", "package.json"];

/** Tenant stacks on a job directory of their own, and how to remove it. */
export interface JobTenantStacks {
  readonly stacks: TenantStacks;
  release(): Promise<void>;
}

/** Makes a job directory under `parent` for the project of `settings` and opens tenant stacks on it. */
export async function openJobStacks(base: BaseConfig, settings: StackSettings, parent: string = tmpdir()): Promise<JobTenantStacks> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, "frostbyte-job-"));
  try {
    for (const file of COPIED) await copyFile(join(settings.workDir, file), join(dir, file));
    for (const entry of LINKED) await symlink(join(settings.workDir, entry), join(dir, entry), "dir");
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const jobSettings: StackSettings = { ...settings, workDir: dir };
  const redact = baseConfigRedactor(base, settings);
  return { stacks: new TenantStacks(new StackWorkspace(jobSettings, redact), base, redact), release: () => rm(dir, { recursive: true, force: true }) };
}
