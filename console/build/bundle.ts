/**
 * Bundles the console (console/src, Preact) with esbuild into
 * bin/console/assets — one script, one stylesheet, the page and its icon — which `frostbyte portal`
 * serves at `/`. Everything the page runs is in the bundle: the build fails when anything would be
 * loaded from elsewhere at run time (an import left external, a URL in the stylesheet).
 */
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { build, type Plugin } from "esbuild";
import { CONSOLE_PATHS } from "./paths";

/** Browsers the console supports: current evergreen releases. */
const TARGET = ["chrome120", "firefox121", "safari17"];

/** What the stylesheet may not contain: a request of its own (fonts, images, imports). */
const STYLE_REQUEST = /url\(|@import/;

/**
 * zod's `z` namespace (and its core) re-export every message locale (`z.locales`, ~260 KiB minified), which no
 * tree-shaking can drop once `z` is imported. The console speaks English, zod's default (which zod
 * configures from locales/en.js itself): the namespace gets only `en`. Should zod move the
 * re-export, nothing matches here and the bundle is only larger.
 */
const ENGLISH_ZOD_MESSAGES: Plugin = {
  name: "english-zod-messages",
  setup(on) {
    on.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer) ? { path: join(args.resolveDir, "../locales/en.js"), namespace: "zod-locales" } : undefined,
    );
    on.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: "js", resolveDir: dirname(args.path) }));
  },
};

/** Bundles console/src into {@link CONSOLE_PATHS.assets}; returns what it wrote, with sizes. */
export async function bundleConsole(): Promise<string[]> {
  const out = CONSOLE_PATHS.assets;
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(CONSOLE_PATHS.src, "main.tsx") },
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: TARGET,
    minify: true,
    legalComments: "none",
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: CONSOLE_PATHS.tsconfig,
    define: { "process.env.NODE_ENV": '"production"' },
    metafile: true,
    plugins: [ENGLISH_ZOD_MESSAGES],
    logLevel: "warning",
  });
  const external = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path));
  if (external.length > 0) throw new Error(`the console bundle would load ${external.join(", ")} at run time; bundle it instead`);
  const css = await readFile(join(out, "app.css"), "utf8");
  if (STYLE_REQUEST.test(css)) throw new Error("console/src styles load a resource (url() or @import); the console loads nothing but its own bundle");
  for (const file of ["index.html", "favicon.svg"]) await copyFile(join(CONSOLE_PATHS.src, file), join(out, file));
  return Object.entries(result.metafile.outputs).map(([path, { bytes }]) => `${relative(CONSOLE_PATHS.root, path)} (${Math.round(bytes / 1024)} KiB)`);
}
