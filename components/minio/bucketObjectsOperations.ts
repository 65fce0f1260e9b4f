/**
 * Deletes every object version and delete marker of a bucket, so MinIO lets the bucket itself be
 * removed. Done here rather than by the minio provider's `forceDestroy`, whose emptying path in
 * terraform-provider-minio v3.3.0 lists the bucket again while its own removal is still running
 * and exits the plugin (`log.Fatalln`) when that listing fails: the destroy then dies with
 * "pulumi-resource-minio exited prematurely".
 */
import { ADMIN_CALL_TIMEOUT_MS, boundedCalls } from "../timeBounds";
import type { MinioAdminSettings } from "./adminSettings";

type Client = import("minio").Client;

/** S3's DeleteObjects limit per request. */
const BATCH = 1000;

/** A bounded call on the admin client: `bounded("listing tenant-acme", () => ...)`. */
type Bounded = ReturnType<typeof boundedCalls>;

/**
 * Runs `work` on a fresh admin client (this code also runs in the dynamic provider's own process
 * after serialisation) with an HTTP agent of its own, destroyed afterwards. minio-js has no request
 * timeout: a call that gets no answer within `timeoutMs` fails with a StoreTimeoutError and its
 * requests end with the agent's sockets.
 */
async function withAdminClient<T>(settings: MinioAdminSettings, timeoutMs: number, work: (client: Client, bounded: Bounded) => Promise<T>): Promise<T> {
  const { Client: MinioClient } = require("minio") as typeof import("minio");
  const { Agent } = (settings.ssl ? require("node:https") : require("node:http")) as typeof import("node:http");
  const agent = new Agent({ keepAlive: true });
  const separator = settings.endpoint.lastIndexOf(":");
  const client = new MinioClient({
    endPoint: settings.endpoint.slice(0, separator).replace(/^\[|\]$/g, ""),
    port: Number(settings.endpoint.slice(separator + 1)),
    useSSL: settings.ssl,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    region: settings.region,
    pathStyle: true,
    transportAgent: agent,
  });
  try {
    return await work(client, boundedCalls("MinIO", timeoutMs, { release: () => agent.destroy() }));
  } finally {
    agent.destroy();
  }
}

interface VersionRef {
  readonly name: string;
  readonly versionId?: string;
}

/** Up to `limit` object versions and delete markers of the bucket; the listing stops when `signal` aborts. */
function listVersions(client: Client, bucket: string, limit: number, signal: AbortSignal): Promise<VersionRef[]> {
  return new Promise((resolve, reject) => {
    const found: VersionRef[] = [];
    const stream = client.listObjects(bucket, "", true, { IncludeVersion: true });
    signal.addEventListener("abort", () => stream.destroy(), { once: true });
    stream.on("data", (item: { name?: string; versionId?: string | null }) => {
      if (item.name === undefined) return;
      found.push(item.versionId ? { name: item.name, versionId: item.versionId } : { name: item.name });
      if (found.length >= limit) stream.destroy();
    });
    stream.on("close", () => resolve(found));
    stream.on("end", () => resolve(found));
    stream.on("error", reject);
  });
}

/** Whether the bucket exists (an emptied-and-gone bucket needs nothing). */
export async function bucketExists(settings: MinioAdminSettings, bucket: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<boolean> {
  return withAdminClient(settings, timeoutMs, (client, bounded) => bounded(`checking bucket "${bucket}"`, () => client.bucketExists(bucket)));
}

/**
 * Deletes every version of every object in the bucket; returns how many were deleted. Each request
 * (the existence check, each listing and each delete of up to 1000 versions) waits at most
 * `timeoutMs`: a bucket with many objects may take longer as a whole.
 */
export async function emptyBucket(settings: MinioAdminSettings, bucket: string, timeoutMs = ADMIN_CALL_TIMEOUT_MS): Promise<number> {
  return withAdminClient(settings, timeoutMs, async (client, bounded) => {
    if (!(await bounded(`checking bucket "${bucket}"`, () => client.bucketExists(bucket)))) return 0;
    let deleted = 0;
    for (;;) {
      const batch = await bounded(`listing the object versions of bucket "${bucket}"`, (signal) => listVersions(client, bucket, BATCH, signal));
      if (batch.length === 0) return deleted;
      const results = await bounded(`deleting ${batch.length} object versions of bucket "${bucket}"`, () => client.removeObjects(bucket, [...batch]));
      const failed = results.find((result) => result?.Error !== undefined)?.Error;
      if (failed) throw new Error(`cannot empty bucket "${bucket}": ${failed.Code ?? "error"} on ${failed.Key ?? "?"}: ${failed.Message ?? ""}`);
      deleted += batch.length;
    }
  });
}
