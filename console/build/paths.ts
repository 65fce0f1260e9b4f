/** Where the console's sources, generated API files and built assets live, from console/build/ or bin/console/build/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`console build: no package.json above ${from}`);
  }
}

const ROOT = projectRoot(__dirname);

export const CONSOLE_PATHS = {
  root: ROOT,
  /** The browser sources (typechecked by console/tsconfig.json, bundled by esbuild). */
  src: join(ROOT, "console/src"),
  /** Where the build writes the API files it generates (console/.gitignore keeps them out of git). */
  generated: join(ROOT, "console/src/api/generated"),
  /** The console's own tsconfig: the browser sources and the domain rules they bundle. */
  tsconfig: join(ROOT, "console/tsconfig.json"),
  /** What `npm run build` writes and `frostbyte portal` serves. */
  assets: join(ROOT, "bin/console/assets"),
} as const;
