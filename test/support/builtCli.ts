/**
 * Compiles the `frostbyte` command (cli/ and what it imports) into a temp dir and runs it as a
 * child process, as an operator's shell would. The build uses the project's tsconfig.build.json;
 * node_modules is linked beside the output so its imports resolve.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = resolve(__dirname, "../..");

/** The outcome of one run of the command. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A compiled command, ready to run. */
export interface BuiltCli {
  readonly mainJs: string;
  run(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<CliRun>;
  remove(): Promise<void>;
}

export async function buildCli(): Promise<BuiltCli> {
  const dir = await mkdtemp(join(tmpdir(), "frostbyte-cli-"));
  const out = join(dir, "out");
  const tsconfig = {
    extends: join(repoRoot, "tsconfig.build.json"),
    compilerOptions: { outDir: out, rootDir: repoRoot, sourceMap: false, typeRoots: [join(repoRoot, "node_modules/@types")] },
    include: [join(repoRoot, "cli/**/*.ts")],
  };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  await run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { cwd: repoRoot });
  await symlink(join(repoRoot, "node_modules"), join(out, "node_modules"), "dir");
  const mainJs = join(out, "cli/main.js");
  return {
    mainJs,
    async run(args, env = {}) {
      const childEnv = { PATH: process.env.PATH ?? "", ...env };
      return new Promise<CliRun>((resolveRun) => {
        execFile(process.execPath, [mainJs, ...args], { env: childEnv, cwd: dir }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
          resolveRun({ code, stdout, stderr });
        });
      });
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
