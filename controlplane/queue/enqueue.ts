/**
 * Enqueues an operation: the operations row (queued) and its job are written in one transaction,
 * so neither exists without the other. A tenant with an operation queued or running is refused at
 * once (OperationInProgressError, HTTP 409): the transaction holds the tenant's advisory lock while
 * it checks, so two producers on any number of hosts never both pass the check.
 */
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { withTransaction } from "../db";
import { OperationInProgressError } from "../operations/errors";
import { activeOperationOf, insertOperation, type Operation, type OperationKind } from "../operations/store";
import { OPERATIONS_QUEUE } from "./names";

/** The data of an operation's job: everything else is read from the registry when it starts. */
export interface OperationJobData {
  readonly operationId: string;
}

/** What a producer asks for. */
export interface OperationRequest {
  readonly tenantId: string;
  readonly kind: OperationKind;
  readonly actor: string;
}

/** Both keys of the tenant's advisory lock: this namespace, and the tenant id's hash. */
const TENANT_LOCK_NAMESPACE = "frostbyte:tenant-operation";

/**
 * Claims the tenant, runs `prepare` (the registry change the request stands for, made on other
 * connections), then writes the queued operation and its job; returns the operation. `prepare`
 * runs only when the tenant has no operation queued or running.
 */
export async function enqueueOperation(pool: pg.Pool, boss: PgBoss, request: OperationRequest, prepare: () => Promise<void> = async () => undefined): Promise<Operation> {
  return withTransaction(pool, async (client) => {
    const claimed = await client.query<{ claimed: boolean }>("SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS claimed", [TENANT_LOCK_NAMESPACE, request.tenantId]);
    if (claimed.rows[0]?.claimed !== true || (await activeOperationOf(client, request.tenantId)) !== undefined) throw new OperationInProgressError(request.tenantId);
    await prepare();
    const operation = await insertOperation(client, request);
    const data: OperationJobData = { operationId: operation.operationId };
    await boss.send(OPERATIONS_QUEUE, data, {
      id: operation.operationId,
      singletonKey: operation.tenantId,
      db: { executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }) },
    });
    return operation;
  });
}
