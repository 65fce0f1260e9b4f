/**
 * The folder rules of the program, read from the imports of every source file: the domain layer
 * imports nothing of the project and no infrastructure library; the control plane and the
 * components meet only where a dynamic provider's runtime writes back; the CLI starts the portal
 * and imports nothing else of it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const SOURCE_FOLDERS = ["domain", "components", "controlplane", "stacks", "portal", "worker", "fleet", "cli", "policy", "platform", "local"];

interface ImportEdge {
  readonly file: string;
  /** The project path imported (folder/...), or the package name. */
  readonly target: string;
  readonly internal: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))
    .map((path) => join(folder, path));
}

function importsOf(file: string): ImportEdge[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
  return importedFiles.map(({ fileName }) =>
    fileName.startsWith(".")
      ? { file, target: relative(ROOT, resolve(ROOT, dirname(file), fileName)), internal: true }
      : { file, target: fileName, internal: false },
  );
}

const edges = SOURCE_FOLDERS.flatMap(sourceFiles).flatMap(importsOf);
const folderOf = (path: string) => path.split("/")[0] ?? path;
const from = (folder: string) => edges.filter((edge) => folderOf(edge.file) === folder);
const describeEdge = (edge: ImportEdge) => `${edge.file} -> ${edge.target}`;

describe("folder dependencies", () => {
  it("reads every source folder (the rules below are not vacuous)", () => {
    for (const folder of SOURCE_FOLDERS) expect(from(folder).length, folder).toBeGreaterThan(0);
  });

  it("domain/ imports only domain/ and pure libraries", () => {
    const PURE_PACKAGES = new Set(["zod", "ipaddr.js"]);
    const outside = from("domain").filter((edge) => (edge.internal ? folderOf(edge.target) !== "domain" : !PURE_PACKAGES.has(edge.target)));
    expect(outside.map(describeEdge)).toEqual([]);
  });

  it("controlplane/ imports nothing from components/, stacks/, portal/, worker/, fleet/ or cli/", () => {
    const FORBIDDEN = new Set(["components", "stacks", "portal", "worker", "fleet", "cli"]);
    expect(from("controlplane").filter((edge) => edge.internal && FORBIDDEN.has(folderOf(edge.target))).map(describeEdge)).toEqual([]);
  });

  it("components/ reaches the control plane only from a dynamic provider's runtime (the write-back)", () => {
    const runtimeSide = (file: string) => /Runtime\.ts$/.test(file) || file.startsWith("components/registry/") || file.startsWith("components/providerRuntime/");
    const offenders = from("components").filter((edge) => edge.internal && folderOf(edge.target) === "controlplane" && !runtimeSide(edge.file));
    expect(offenders.map(describeEdge)).toEqual([]);
  });

  it("every other folder takes the shared rules from domain/, not from where they used to live", () => {
    const MOVED = ["components/naming", "components/validation", "controlplane/lifecycle", "controlplane/eventTypes", "controlplane/json"];
    const stale = edges.filter((edge) => edge.internal && MOVED.some((moved) => edge.target.startsWith(moved)));
    expect(stale.map(describeEdge)).toEqual([]);
  });

  it("the portal runs no engine: it imports nothing from worker/ and no Automation API", () => {
    const offenders = from("portal").filter((edge) => (edge.internal ? folderOf(edge.target) === "worker" : edge.target.startsWith("@pulumi/pulumi/automation")));
    expect(offenders.map(describeEdge)).toEqual([]);
  });

  it("the worker and the portal meet only in the control plane (no import either way)", () => {
    expect(from("worker").filter((edge) => edge.internal && folderOf(edge.target) === "portal").map(describeEdge)).toEqual([]);
  });

  it("the CLI imports the portal only to start it", () => {
    const intoPortal = from("cli").filter((edge) => edge.internal && folderOf(edge.target) === "portal");
    expect(intoPortal.map((edge) => edge.target)).toEqual(intoPortal.map(() => "portal"));
  });
});
