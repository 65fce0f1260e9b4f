/**
 * The one way a dynamic provider loads its runtime module (the code that reaches a store or the
 * control plane).
 *
 * A provider's code is serialised into the stack's state and run later by the engine's dynamic
 * provider host, possibly from another checkout of the project. So the provider captures only the
 * module's path relative to the program's build root and resolves it at call time from the host's
 * working directory: the engine starts every plugin, this host included, in the directory of
 * Pulumi.yaml's `main` (bin/ here; pulumi pkg/engine/project.go, getPwdMain). A path built from
 * `__dirname` instead would pin the state to the directory the stack was first deployed from.
 * Loading by path rather than capturing the module also keeps pg, zod and the registry out of the
 * state: the serialiser would copy them by value.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";

/** The compiled program's root (bin/ once built): this file sits in <root>/components/providerRuntime/. */
const BUILD_ROOT = resolve(__dirname, "../..");

/** `moduleDir/moduleName` relative to the build root, with `/` separators; refuses a module outside it. */
export function buildRelativePath(moduleDir: string, moduleName: string, buildRoot: string = BUILD_ROOT): string {
  const path = relative(buildRoot, resolve(moduleDir, moduleName));
  if (path === "" || path.startsWith("..") || isAbsolute(path)) {
    throw new Error(`dynamic provider runtime module ${moduleName} in ${moduleDir} is outside the program's build root ${buildRoot}`);
  }
  return path.split(sep).join("/");
}

/**
 * Requires the module at `fromBuildRoot` under `programDir` (the engine's working directory for
 * the provider host). A missing module is explained; any other error is the module's own.
 */
export function loadFromProgramDir(fromBuildRoot: string, programDir: string = process.cwd()): unknown {
  // Required here, not imported: this function is copied into every saved provider.
  const { join } = require("node:path") as typeof import("node:path");
  const path = join(programDir, fromBuildRoot);
  try {
    return require(path);
  } catch (error) {
    if ((error as { code?: string }).code === "MODULE_NOT_FOUND" && (error as Error).message.startsWith(`Cannot find module '${path}'`)) {
      throw new Error(
        `dynamic provider runtime module ${fromBuildRoot} is not in ${programDir}: the engine runs dynamic providers in the directory of Pulumi.yaml's main (bin/); build the program there with npm run build`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * A loader for the runtime module `moduleName` beside the calling file (pass `__dirname`), for use
 * inside a provider's methods: `const runtime = runtimeModule<typeof import("./x")>(__dirname, "x")`.
 * The loader captures only the relative path, so the serialised provider holds no directory.
 */
export function runtimeModule<T>(moduleDir: string, moduleName: string): () => T {
  const fromBuildRoot = buildRelativePath(moduleDir, moduleName);
  return () => loadFromProgramDir(fromBuildRoot) as T;
}
