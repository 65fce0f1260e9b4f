/**
 * The program build id: sha256 over the files that make the program a tenant's stack runs, so a
 * deployment fingerprint changes with every build that could change what `up` does. It covers every
 * compiled `.js` file under `bin/` (the program, its components and dynamic providers, the policy
 * pack's code in `bin/policy`) and the manifests beside them: Pulumi.yaml, package.json (the exact
 * versions of the Pulumi SDKs and providers) and the policy pack's PulumiPolicy.yaml and
 * package.json. All of bin/, not only the modules the program loads: a change to the CLI or the
 * portal costs one engine run per tenant after the upgrade, while a module left out could hide a
 * change. Computed once per process and project directory (a few tens of milliseconds).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { StackSettingsError } from "./errors";

/** The manifests beside bin/ that shape the run (missing ones are left out). */
const MANIFESTS = ["Pulumi.yaml", "package.json", join("policy", "PulumiPolicy.yaml"), join("policy", "package.json")];

const cache = new Map<string, Promise<string>>();

async function compiledFiles(binDir: string): Promise<string[]> {
  const entries = await readdir(binDir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".js")).map((entry) => join(entry.parentPath, entry.name));
}

async function computeBuildId(projectDir: string): Promise<string> {
  const binDir = join(projectDir, "bin");
  if (!existsSync(join(binDir, "index.js"))) throw new StackSettingsError(`${binDir}/index.js is missing: run \`npm run build\` first (the tenant stacks run the compiled program)`);
  const files = [...(await compiledFiles(binDir)), ...MANIFESTS.map((name) => join(projectDir, name)).filter((path) => existsSync(path))];
  // Relative paths with `/`, sorted by code unit: the same build gives the same id on every host.
  const named = files.map((path) => ({ path, name: relative(projectDir, path).split(sep).join("/") })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash("sha256");
  for (const { path, name } of named) {
    const content = createHash("sha256").update(await readFile(path)).digest("hex");
    hash.update(`${name}\0${content}\n`);
  }
  return hash.digest("hex");
}

/** The build id of the compiled program in `projectDir` (64 hex characters), computed once per process. */
export function programBuildId(projectDir: string): Promise<string> {
  const dir = resolve(projectDir);
  let id = cache.get(dir);
  if (id === undefined) {
    id = computeBuildId(dir);
    cache.set(dir, id);
    id.catch(() => cache.delete(dir));
  }
  return id;
}
