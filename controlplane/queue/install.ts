/**
 * Installs (or upgrades) the job queue's schema and its queues as the migration role, then lets the
 * runtime role use them. Services start pg-boss without its migrations (queue.ts): they never need
 * more than DML on the queue's tables.
 */
import { PgBoss } from "pg-boss";
import pg from "pg";
import { controlPlaneClientConfig } from "../db";
import { QUEUE_SCHEMA } from "./names";
import { queueDefinitions, queueUpdate } from "./queues";

/** Applies pg-boss's own migrations, creates the queues and grants the runtime role DML on them. */
export async function installJobQueue(migrationUrl: string): Promise<void> {
  const config = controlPlaneClientConfig(migrationUrl);
  const boss = new PgBoss({
    connectionString: config.connectionString,
    connectionTimeoutMillis: config.connectionTimeoutMillis,
    schema: QUEUE_SCHEMA,
    max: 2,
    supervise: false,
    schedule: false,
    migrate: true,
    createSchema: true,
    registerInstance: false,
  });
  boss.on("error", () => undefined);
  await boss.start();
  try {
    for (const queue of queueDefinitions()) {
      if (await boss.getQueue(queue.name)) await boss.updateQueue(queue.name, queueUpdate(queue));
      else await boss.createQueue(queue.name, queue);
    }
  } finally {
    await boss.stop({ graceful: false });
  }
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(`GRANT USAGE ON SCHEMA ${QUEUE_SCHEMA} TO frostbyte_runtime`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${QUEUE_SCHEMA} TO frostbyte_runtime`);
    await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${QUEUE_SCHEMA} TO frostbyte_runtime`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${QUEUE_SCHEMA} TO frostbyte_runtime`);
  } finally {
    await client.end();
  }
}
