/**
 * The workers table and its rules (controlplane/queue/workers.ts), on a real PostgreSQL: a worker
 * registers with its state backend (never its credentials), and may not start beside live workers
 * that keep their stacks elsewhere, or on a file backend while a worker of another host is live.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendConflict, beat, liveWorkers, markWorkerStopped, registerWorker, stateBackendIdentity, WorkerBackendConflictError, type WorkerRecord } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";

let server: PostgresServer;
let db: ControlPlaneDatabase;

beforeAll(async () => {
  server = await startPostgres();
  db = await createControlPlaneDatabase(server);
});

afterAll(async () => {
  await db?.close();
  await server?.stop();
});

const live = (host: string, stateBackend: string): WorkerRecord => ({ workerId: `${host}:1:abc`, host, pid: 1, stateBackend, startedAt: new Date(), heartbeatAt: new Date(), stoppedAt: null });

describe("which workers may run together", () => {
  it("keeps the backend's identity without credentials, query or fragment", () => {
    expect(stateBackendIdentity("postgres://pulumi:s3cret@db.internal:5432/state?sslmode=require")).toBe("postgres://db.internal:5432/state");
    expect(stateBackendIdentity("s3://bucket/stacks?endpoint=minio:9000&region=x")).toBe("s3://bucket/stacks?endpoint=minio:9000");
    expect(stateBackendIdentity("s3://bucket/stacks?region=eu-central-1")).toBe("s3://bucket/stacks");
    // One bucket name on two servers is two backends; an endpoint's user info never reaches the table.
    expect(stateBackendIdentity("s3://bucket?endpoint=http://key:s3cret@minio-b:9000&use_path_style=true")).toBe("s3://bucket?endpoint=http://minio-b:9000");
    expect(stateBackendIdentity("s3://bucket?endpoint=http://minio-a:9000")).not.toBe(stateBackendIdentity("s3://bucket?endpoint=http://minio-b:9000"));
    expect(stateBackendIdentity("file:///srv/stacks")).toBe("file:///srv/stacks");
  });

  it("allows any number on one host with one backend, and on many hosts with a shared backend", () => {
    expect(backendConflict({ host: "a", stateBackend: "file:///srv/stacks" }, [live("a", "file:///srv/stacks"), live("a", "file:///srv/stacks")])).toBeUndefined();
    expect(backendConflict({ host: "c", stateBackend: "postgres://db/state" }, [live("a", "postgres://db/state"), live("b", "postgres://db/state")])).toBeUndefined();
    expect(backendConflict({ host: "a", stateBackend: "file:///srv/stacks" }, [])).toBeUndefined();
  });

  it("refuses a second backend, and a file backend beside a worker of another host, saying what to set", () => {
    expect(backendConflict({ host: "a", stateBackend: "postgres://db/other" }, [live("b", "postgres://db/state")])).toBe(
      "live worker b:1:abc (host b) keeps its stacks in postgres://db/state, this one in postgres://db/other: every worker must use the same state backend (PULUMI_BACKEND_URL)",
    );
    expect(backendConflict({ host: "a", stateBackend: "file:///srv/stacks" }, [live("b", "file:///srv/stacks")])).toBe(
      "live worker b:1:abc runs on host b, and a file backend (file:///srv/stacks) serves the workers of one host only: set PULUMI_BACKEND_URL on every worker to a shared backend (postgres://… or s3://…)",
    );
  });
});

describe("registration", () => {
  it("registers, beats and stops; a stopped or silent worker does not count as live", async () => {
    const me = { workerId: "host-a:10:one", host: "host-a", pid: 10, stateBackend: "file:///srv/stacks" };
    expect(await registerWorker(db.pool, me, 10)).toMatchObject({ ...me, stoppedAt: null });
    expect((await liveWorkers(db.pool, 10)).map((w) => w.workerId)).toEqual([me.workerId]);
    expect(await beat(db.pool, me.workerId)).toBe(true);
    // A worker of another host on the same file backend is refused while this one lives.
    await expect(registerWorker(db.pool, { workerId: "host-b:20:two", host: "host-b", pid: 20, stateBackend: "file:///srv/stacks" }, 10)).rejects.toThrow(WorkerBackendConflictError);
    await expect(registerWorker(db.pool, { workerId: "host-b:20:two", host: "host-b", pid: 20, stateBackend: "file:///srv/stacks" }, 10)).rejects.toThrow(
      /^this worker may not start: live worker host-a:10:one runs on host host-a, and a file backend/,
    );
    await markWorkerStopped(db.pool, me.workerId);
    expect(await beat(db.pool, me.workerId)).toBe(false);
    expect(await liveWorkers(db.pool, 10)).toEqual([]);
    // Once it stopped, the other host may start (on a shared backend it always could).
    await registerWorker(db.pool, { workerId: "host-b:20:two", host: "host-b", pid: 20, stateBackend: "file:///srv/stacks" }, 10);
    // A worker silent for three heartbeats is not live either.
    await db.pool.query("UPDATE workers SET heartbeat_at = now() - interval '31 seconds' WHERE worker_id = 'host-b:20:two'");
    expect(await liveWorkers(db.pool, 10)).toEqual([]);
  });

  it("the table refuses a backend with credentials in it", async () => {
    await expect(
      db.pool.query("INSERT INTO workers (worker_id, host, pid, state_backend) VALUES ('x:1:y', 'x', 1, 'postgres://pulumi:secret@db/state')"),
    ).rejects.toThrow(/workers_backend_without_credentials/);
  });
});

describe("opening the state backend while registering", () => {
  it("runs one worker's opening at a time, across every worker starting at once", async () => {
    const spans: { start: number; end: number }[] = [];
    const opening = async () => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 250));
      spans.push({ start, end: Date.now() });
    };
    await Promise.all(
      ["a", "b", "c"].map((host) => registerWorker(db.pool, { workerId: `open-${host}:1:x`, host: `open-${host}`, pid: 1, stateBackend: "postgres://db/state" }, 10, opening)),
    );
    expect(spans).toHaveLength(3);
    spans.sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it("does not open it for a worker that may not start, and a failed opening registers nothing", async () => {
    await registerWorker(db.pool, { workerId: "shared-a:1:x", host: "shared-a", pid: 1, stateBackend: "postgres://db/state" }, 10);
    let opened = false;
    await expect(
      registerWorker(db.pool, { workerId: "other-b:1:x", host: "other-b", pid: 1, stateBackend: "postgres://db/other" }, 10, async () => {
        opened = true;
      }),
    ).rejects.toThrow(WorkerBackendConflictError);
    expect(opened).toBe(false);
    await expect(
      registerWorker(db.pool, { workerId: "broken-c:1:x", host: "broken-c", pid: 1, stateBackend: "postgres://db/state" }, 10, async () => {
        throw new Error("the state backend cannot be opened");
      }),
    ).rejects.toThrow("the state backend cannot be opened");
    expect((await db.pool.query("SELECT 1 FROM workers WHERE worker_id = 'broken-c:1:x'")).rowCount).toBe(0);
  });
});
