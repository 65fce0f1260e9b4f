/**
 * The one way a dynamic provider loads its runtime module: by a path relative to the build root,
 * resolved from the provider host's working directory, so a saved provider names no checkout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { buildRelativePath, loadFromProgramDir, runtimeModule } from "../../components/providerRuntime/runtimeModule";
import { stackConfigRuntime } from "../../components/providerRuntime/stackConfigRuntime";
import { configureWith } from "../../components/providerRuntime/configuredProvider";

const ROOT = resolve(__dirname, "../..");
const programDirs: string[] = [];

/** A build root in a temp dir holding one module at `path` that exports `{ where }`. */
function programDirWith(path: string, where: string): string {
  const dir = mkdtempSync(join(tmpdir(), "frostbyte-runtime-module-"));
  programDirs.push(dir);
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, `${path}.js`), `exports.where = ${JSON.stringify(where)};\n`);
  return dir;
}

afterAll(() => {
  for (const dir of programDirs) rmSync(dir, { recursive: true, force: true });
});

describe("buildRelativePath", () => {
  it("names a module by its path under the build root, with / separators", () => {
    expect(buildRelativePath(join(ROOT, "components", "registry"), "providerRuntime", ROOT)).toBe("components/registry/providerRuntime");
    expect(buildRelativePath("/srv/app/bin/components/qdrant", "collectionOperations", "/srv/app/bin")).toBe("components/qdrant/collectionOperations");
  });

  it("refuses a module outside the build root, naming it", () => {
    expect(() => buildRelativePath("/srv/elsewhere", "runtime", "/srv/app/bin")).toThrow(
      "dynamic provider runtime module runtime in /srv/elsewhere is outside the program's build root /srv/app/bin",
    );
  });
});

describe("loadFromProgramDir", () => {
  it("loads the module under whichever directory the provider host runs in", () => {
    const first = programDirWith("components/x/runtime", "first checkout");
    const second = programDirWith("components/x/runtime", "second checkout");
    expect(loadFromProgramDir("components/x/runtime", first)).toEqual({ where: "first checkout" });
    expect(loadFromProgramDir("components/x/runtime", second)).toEqual({ where: "second checkout" });
  });

  it("explains a missing module: where it looked and that the program must be built there", () => {
    const empty = programDirWith("components/other/runtime", "unused");
    expect(() => loadFromProgramDir("components/x/runtime", empty)).toThrow(
      `dynamic provider runtime module components/x/runtime is not in ${empty}: the engine runs dynamic providers in the directory of Pulumi.yaml's main (bin/); build the program there with npm run build`,
    );
  });

  it("passes on a module's own failure unchanged", () => {
    const dir = programDirWith("components/x/broken", "unused");
    writeFileSync(join(dir, "components/x/broken.js"), 'require("./missing-dependency");\n');
    expect(() => loadFromProgramDir("components/x/broken", dir)).toThrow(/Cannot find module '\.\/missing-dependency'/);
  });
});

describe("what a provider's saved code captures", () => {
  // The engine serialises each provider with this function; its text is what the state holds.
  const serialised = async (fn: () => unknown) => (await pulumi.runtime.serializeFunction(fn)).text;

  it("a runtime loader holds the module's relative path and no directory of this checkout", async () => {
    const loader = runtimeModule<unknown>(join(ROOT, "components", "registry"), "providerRuntime");
    const text = await serialised(() => loader());
    expect(text).toContain('"components/registry/providerRuntime"');
    expect(text).not.toContain(ROOT);
  });

  it("a configure that reads stack config holds the reader's name and the settings module's relative path only", async () => {
    const configure = configureWith("qdrantAdminSettings");
    const text = await serialised(() => ({ configure, stackConfigRuntime }));
    expect(text).toContain('"components/providerRuntime/adminSettings"');
    expect(text).toContain('"qdrantAdminSettings"');
    expect(text).not.toContain(ROOT);
    expect(text).not.toMatch(/zod|safeParse/);
  });
});
