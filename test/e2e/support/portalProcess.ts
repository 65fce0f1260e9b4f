/**
 * `frostbyte portal` and `frostbyte worker` as an operator runs them (`node bin/cli/main.js …`, real
 * processes), and a small client for the portal: JSON calls with a bearer token and an operation's
 * server-sent events, raw and parsed. Run `npm run build` first.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./localStack";
import { startWorkerProcess, type WorkerProcess } from "./workerProcess";

export interface PortalProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The workers started with it (they run the operations the portal enqueues). */
  readonly workers: readonly WorkerProcess[];
  /** Everything the portal and its workers wrote on stdout and stderr so far. */
  output(): string;
  /** Stops the portal, then its workers. */
  stop(): Promise<void>;
}

/** One operation as the portal shows it. */
export interface OperationView {
  readonly operationId: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly state: string;
  readonly error: string | null;
}

/**
 * Starts `workers` workers (default 1) with `env` (the control plane, passphrase, state backend…)
 * and the base config, and the portal on a free port of 127.0.0.1; `detached` gives each a process
 * group of its own, so a test can kill one with everything it started.
 */
export async function startPortal(baseConfigFile: string, env: NodeJS.ProcessEnv, options: { readonly detached?: boolean; readonly workers?: number } = {}): Promise<PortalProcess> {
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < (options.workers ?? 1); i += 1) workers.push(await startWorkerProcess(PROJECT_ROOT, baseConfigFile, env, { detached: options.detached ?? false }));
  const portal = await startPortalOnly(env, options).catch(async (error: unknown) => {
    for (const worker of workers) await worker.stop();
    throw error;
  });
  return {
    ...portal,
    workers,
    output: () => [portal.output(), ...workers.map((worker) => worker.output())].join(""),
    stop: async () => {
      await portal.stop();
      for (const worker of workers) await worker.stop();
    },
  };
}

/** The portal alone, with `env` (the control plane), on a free port of 127.0.0.1. */
export async function startPortalOnly(env: NodeJS.ProcessEnv, options: { readonly detached?: boolean } = {}): Promise<Omit<PortalProcess, "workers">> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin/cli/main.js"), "portal", "--port", "0"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /frostbyte portal listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`portal exited ${String(code)}: ${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A client of the portal at `url` with the bearer `token`. */
export function portalClient(url: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    /** A JSON call; the body as text too, to search it. */
    async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown), text };
    },

    /** Reads the operation's event stream to its end: the raw text, the progress events and the final operation. */
    async stream(operationId: string): Promise<{ raw: string; progress: { type: string; message?: string }[]; end: OperationView }> {
      const response = await fetch(`${url}/operations/${operationId}/stream`, { headers });
      const raw = await response.text();
      const events = raw
        .split("\n\n")
        .filter((block) => block.trim() !== "" && !block.startsWith(":"))
        .map((block) => {
          const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
          return { event: fields["event"] ?? "message", data: JSON.parse(fields["data"] ?? "null") as unknown };
        });
      const end = events.find((event) => event.event === "end");
      if (!end) throw new Error(`the stream of ${operationId} ended without an end event: ${raw.slice(-500)}`);
      return { raw, progress: events.filter((event) => event.event === "progress").map((event) => event.data as { type: string }), end: end.data as OperationView };
    },
  };
}

/** The built `frostbyte` command with `env`: its exit code and everything it printed. */
export function frostbyte(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(PROJECT_ROOT, "bin/cli/main.js"), ...args], { env, cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}
