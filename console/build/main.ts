#!/usr/bin/env node
/**
 * `npm run build`'s console step, after tsc has compiled the portal: generates the API types from
 * the portal's OpenAPI document, typechecks the browser sources against them (console/tsconfig.json),
 * and bundles them into bin/console/assets, which `frostbyte portal` serves at `/`.
 */
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { bundleConsole } from "./bundle";
import { writeGeneratedApi } from "./generatedApi";
import { CONSOLE_PATHS } from "./paths";

function typecheck(): void {
  const tsc = require.resolve("typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "--noEmit", "-p", CONSOLE_PATHS.tsconfig], { stdio: "inherit", cwd: CONSOLE_PATHS.root });
  if (run.status !== 0) throw new Error(`the console's sources do not typecheck (tsc -p ${relative(CONSOLE_PATHS.root, CONSOLE_PATHS.tsconfig)} exited ${run.status ?? run.signal})`);
}

async function main(): Promise<void> {
  const generated = await writeGeneratedApi();
  process.stdout.write(`console: generated ${generated.map((path) => relative(CONSOLE_PATHS.root, path)).join(", ")}\n`);
  typecheck();
  process.stdout.write(`console: bundled ${(await bundleConsole()).join(", ")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`console build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
