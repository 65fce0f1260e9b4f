/**
 * A portal and a worker built in this test's own process (the portal driven with `inject`), the
 * worker on the tenant stacks of the project's compiled program, so a test can watch the engine's
 * processes (children of this process) and stop the control plane under it. Run `npm run build` first.
 */
import type pg from "pg";
import { createToken } from "../../../controlplane";
import type { Portal } from "../../../portal";
import type { OperationView } from "../../../portal/schemas/operations";
import type { WorkerSettings } from "../../../domain";
import type { TenantStacks } from "../../../stacks";
import { openPortalWithWorker } from "../../support/portalWithWorker";

export interface InProcessPortal {
  readonly portal: Portal;
  /** An admin call; the answer's status and JSON body. */
  call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** Starts an operation and returns its id (the call must answer 202). */
  start(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<string>;
  close(): Promise<void>;
}

/**
 * Opens a portal and a worker on `pool` (the control plane at `controlDbUrl`, as the runtime role)
 * and `stacks`, with an admin token.
 */
export async function openInProcessPortal(pool: pg.Pool, controlDbUrl: string, stacks: TenantStacks, workerSettings?: WorkerSettings): Promise<InProcessPortal> {
  const token = (await createToken(pool, { kind: "admin" })).token;
  const portal = await openPortalWithWorker(controlDbUrl, { pool, stacks, ...(workerSettings ? { workerSettings } : {}) });
  const call: InProcessPortal["call"] = async (method, url, body) => {
    const response = await portal.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: response.statusCode, json: response.body === "" ? undefined : (JSON.parse(response.body) as unknown) };
  };
  return {
    portal,
    call,
    async start(method, url, body) {
      const answer = await call(method, url, body);
      if (answer.status !== 202) throw new Error(`${method} ${url} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      return (answer.json as OperationView).operationId;
    },
    close: () => portal.close(),
  };
}

/** Polls the operation row through `pool` until it has finished; errors of a control plane that does not answer are waited out. */
export async function finishedOperation(pool: pg.Pool, operationId: string, timeoutMs = 600_000): Promise<{ state: string; error: string | null; result: unknown; finished_at: Date }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await pool
      .query<{ state: string; error: string | null; result: unknown; finished_at: Date }>("SELECT state, error, result, finished_at FROM operations WHERE operation_id = $1", [operationId])
      .then((result) => result.rows[0])
      .catch(() => undefined);
    if (row && (row.state === "succeeded" || row.state === "failed")) return row;
    if (Date.now() > until) throw new Error(`operation ${operationId} has not finished after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
