/**
 * A temporary copy of the built project for a bench's engine runs and worker processes: the
 * compiled program (bin/), Pulumi.yaml, package.json and the policy pack's manifest, with
 * node_modules linked. A rebuild in the repository during a long run then changes nothing under
 * the processes the bench started.
 */
import { cp, copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { POLICY_PACK_FOLDER } from "../stacks";

const REPO_ROOT = resolve(__dirname, "../..");

export interface ProjectCopy {
  /** The temporary directory holding everything (the project and whatever the bench adds). */
  readonly root: string;
  /** The project directory: what `frostbyte` finds as its project from its bin/. */
  readonly workDir: string;
  remove(): Promise<void>;
}

/** Copies the built project into a new temporary directory named after `prefix`. */
export async function copyBuiltProject(prefix: string): Promise<ProjectCopy> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const workDir = join(root, "project");
    await cp(join(REPO_ROOT, "bin"), join(workDir, "bin"), { recursive: true });
    await copyFile(join(REPO_ROOT, "Pulumi.yaml"), join(workDir, "Pulumi.yaml"));
    await copyFile(join(REPO_ROOT, "package.json"), join(workDir, "package.json"));
    await mkdir(join(workDir, POLICY_PACK_FOLDER));
    for (const file of ["PulumiPolicy.yaml", "package.json"]) await copyFile(join(REPO_ROOT, POLICY_PACK_FOLDER, file), join(workDir, POLICY_PACK_FOLDER, file));
    await symlink(join(REPO_ROOT, "node_modules"), join(workDir, "node_modules"), "dir");
    return { root, workDir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
