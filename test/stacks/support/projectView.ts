/**
 * The project as the engine runs it, in a temp directory: Pulumi.yaml and package.json of the
 * repository, node_modules linked, and the program compiled by the project's own build
 * (tsconfig.build.json, what `npm run build` runs) into its bin/. Stacks created by a test write
 * their Pulumi.<stack>.yaml here, never into the repository, and the program is always the current
 * sources, whatever state the repository's bin/ is in.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO_ROOT = resolve(__dirname, "../../..");

/** A temp project directory with the compiled program, and a state directory for a file backend. */
export interface ProjectView {
  readonly workDir: string;
  readonly stateDir: string;
  remove(): Promise<void>;
}

export async function buildProjectView(): Promise<ProjectView> {
  const root = await mkdtemp(join(tmpdir(), "frostbyte-stacks-"));
  const workDir = join(root, "project");
  const stateDir = join(root, "state");
  await mkdir(workDir);
  await mkdir(stateDir);
  await copyFile(join(REPO_ROOT, "Pulumi.yaml"), join(workDir, "Pulumi.yaml"));
  await copyFile(join(REPO_ROOT, "package.json"), join(workDir, "package.json"));
  // Every up and preview runs the project's policy pack: its manifest here, its code built into bin/policy.
  await mkdir(join(workDir, "policy"));
  for (const file of ["PulumiPolicy.yaml", "package.json"]) await copyFile(join(REPO_ROOT, "policy", file), join(workDir, "policy", file));
  await symlink(join(REPO_ROOT, "node_modules"), join(workDir, "node_modules"), "dir");
  await run(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", join(REPO_ROOT, "tsconfig.build.json"), "--outDir", join(workDir, "bin"), "--sourceMap", "false"], {
    cwd: REPO_ROOT,
  });
  return { workDir, stateDir, remove: () => rm(root, { recursive: true, force: true }) };
}
