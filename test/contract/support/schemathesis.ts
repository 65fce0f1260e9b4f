/**
 * Runs Schemathesis (`st run`, installed by scripts/setup-schemathesis.sh) against a portal on
 * loopback and reads what it did from its NDJSON report. The admin token reaches it through the
 * environment (the config file's `${FROSTBYTE_CONTRACT_TOKEN}`), never its command line; the child
 * gets no proxy settings and follows no redirect, so every request goes to the URL it is given.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const HERE = join(__dirname, "..");
const PROJECT_ROOT = join(HERE, "..", "..");

/** The pinned `st`, or an error naming the command that installs it. */
export function schemathesisCommand(): string {
  try {
    return execFileSync("bash", [join(PROJECT_ROOT, "scripts/setup-schemathesis.sh"), "--check"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`schemathesis is not installed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/** One request of the run, as the report recorded it. */
export interface RecordedRequest {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
}

export interface SchemathesisRun {
  readonly exitCode: number | null;
  /** What `st` printed (its failures and summary). */
  readonly output: string;
  readonly requests: readonly RecordedRequest[];
}

export interface SchemathesisOptions {
  /** Where the OpenAPI document is: the portal's `/openapi.json`, or a file. */
  readonly document: string;
  /** The portal's base URL (`http://127.0.0.1:PORT`). */
  readonly baseUrl: string;
  readonly token: string;
  /** A directory of the test's own (reports and Hypothesis' files). */
  readonly workDir: string;
  /** Further `st run` arguments (examples, seed, filters). */
  readonly args: readonly string[];
  readonly timeoutMs: number;
}

/** Every request/response pair in an NDJSON report, wherever the event nests it. */
function* interactions(value: unknown): Generator<RecordedRequest> {
  if (Array.isArray(value)) {
    for (const item of value) yield* interactions(item);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const { request, response } = value as { request?: { method?: unknown; uri?: unknown }; response?: { status_code?: unknown } };
  if (typeof request?.method === "string" && typeof request.uri === "string" && typeof response?.status_code === "number") {
    yield { method: request.method, uri: request.uri, status: response.status_code };
  }
  for (const child of Object.values(value)) yield* interactions(child);
}

/** Runs `st run --checks all` with the contract test's config and hooks; resolves when it exits (or is killed at the timeout). */
export async function runSchemathesis(options: SchemathesisOptions): Promise<SchemathesisRun> {
  const report = join(options.workDir, "report.ndjson");
  const args = [
    "--config-file",
    join(HERE, "schemathesis.toml"),
    "--no-color",
    "run",
    options.document,
    "--url",
    options.baseUrl,
    "--checks",
    "all",
    ...options.args,
    "--workers",
    "1",
    "--max-redirects",
    "0",
    "--report",
    "ndjson",
    "--report-ndjson-path",
    report,
  ];
  const child = spawn(schemathesisCommand(), args, {
    cwd: options.workDir,
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: options.workDir,
      LANG: "C.UTF-8",
      NO_PROXY: "*",
      FROSTBYTE_CONTRACT_TOKEN: options.token,
      SCHEMATHESIS_HOOKS: join(HERE, "schemathesis_hooks.py"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  clearTimeout(timer);
  const lines = (await readFile(report, "utf8").catch(() => "")).split("\n").filter((line) => line.trim() !== "");
  const requests = lines.flatMap((line) => [...interactions(JSON.parse(line) as unknown)]);
  return { exitCode, output, requests };
}
