/**
 * The control plane's time bounds beyond the connect timeout, on a real PostgreSQL: a statement
 * that runs too long and a lock waited on too long end on the server; a backend that stops
 * answering (SIGSTOP) ends on the client; a bad value is refused before anything connects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_PLANE_TIMEOUTS, parseStackConfig } from "../../domain";
import { controlPlaneClientConfig, ControlPlaneUrlError, createControlPlanePool, withTransaction } from "../../controlplane";
import { createControlPlaneDatabase, type ControlPlaneDatabase } from "../support/controlPlaneDb";
import { startPostgres, type PostgresServer } from "../support/postgresServer";
import { sampleStackConfig } from "../support/sampleStackConfig";

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

const withQuery = (url: string, query: string) => `${url}${url.includes("?") ? "&" : "?"}${query}`;

async function settingsOf(url: string): Promise<Record<string, string>> {
  const pool = createControlPlanePool(url, { max: 1 });
  try {
    const { rows } = await pool.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout')",
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
  } finally {
    await pool.end();
  }
}

describe("control-plane time bounds", () => {
  it("every connection carries the documented defaults", async () => {
    expect(await settingsOf(db.runtimeUrl)).toEqual({
      statement_timeout: String(CONTROL_PLANE_TIMEOUTS.statement_timeout.defaultValue),
      lock_timeout: String(CONTROL_PLANE_TIMEOUTS.lock_timeout.defaultValue),
      idle_in_transaction_session_timeout: String(CONTROL_PLANE_TIMEOUTS.idle_in_transaction_session_timeout.defaultValue),
    });
    expect(controlPlaneClientConfig(db.runtimeUrl).query_timeout).toBe(CONTROL_PLANE_TIMEOUTS.query_timeout.defaultValue);
  });

  it("the URL's query parameters change them", async () => {
    expect(await settingsOf(withQuery(db.runtimeUrl, "statement_timeout=1500&lock_timeout=0"))).toMatchObject({ statement_timeout: "1500", lock_timeout: "0" });
  });

  it("a statement that runs too long is cancelled by the server", async () => {
    const pool = createControlPlanePool(withQuery(db.runtimeUrl, "statement_timeout=200"), { max: 1 });
    try {
      await expect(pool.query("SELECT pg_sleep(5)")).rejects.toThrow(/statement timeout/);
    } finally {
      await pool.end();
    }
  });

  it("a lock waited on too long ends the waiting transaction, and the pool stays usable", async () => {
    const holder = createControlPlanePool(db.migratorUrl, { max: 1 });
    const waiter = createControlPlanePool(withQuery(db.migratorUrl, "lock_timeout=200"), { max: 1 });
    try {
      await withTransaction(holder, async (client) => {
        await client.query("LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE");
        await expect(waiter.query("SELECT count(*) FROM tenants")).rejects.toThrow(/lock timeout/);
      });
      expect((await waiter.query<{ n: string }>("SELECT count(*) AS n FROM tenants")).rows).toHaveLength(1);
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  });

  it("a backend that stops answering (SIGSTOP) ends on the client, and the pool recovers once it is back", async () => {
    const pool = createControlPlanePool(withQuery(db.runtimeUrl, "query_timeout=300"), { max: 1 });
    const client = await pool.connect();
    const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    process.kill(pid, "SIGSTOP");
    try {
      await expect(client.query("SELECT 1")).rejects.toThrow(/Query read timeout/);
    } finally {
      process.kill(pid, "SIGCONT");
      client.release(true);
    }
    try {
      expect((await pool.query<{ answer: number }>("SELECT 1 AS answer")).rows).toEqual([{ answer: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it.each(["statement_timeout=5s", "lock_timeout=-1", "query_timeout=1.5", "idle_in_transaction_session_timeout="])("refuses %s before anything connects, without quoting the URL", (query) => {
    const url = `postgres://runtime:cp-secret-pw@cp.internal/frostbyte?${query}`;
    const name = query.split("=")[0]!;
    expect(() => controlPlaneClientConfig(url)).toThrow(ControlPlaneUrlError);
    expect(() => controlPlaneClientConfig(url)).toThrow(`has ${name} `);
    expect(() => controlPlaneClientConfig(url)).not.toThrow(/cp-secret-pw/);
  });

  it("refuses a bad bound in stack config, naming the key", () => {
    const config = sampleStackConfig({ "frostbyte:controlPlaneDbUrl": "postgres://runtime:cp-secret-pw@cp.internal/frostbyte?statement_timeout=soon" });
    const read = (key: string) => (config[key] === undefined ? undefined : typeof config[key] === "string" ? config[key] : JSON.stringify(config[key]));
    expect(() => parseStackConfig(read)).toThrow(/frostbyte:controlPlaneDbUrl.*statement_timeout/s);
  });
});
