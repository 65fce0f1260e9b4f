/**
 * Deletes every object version and delete marker of a bucket, so MinIO lets the bucket itself be
 * removed. Done here rather than by the minio provider's `forceDestroy`, whose emptying path in
 * terraform-provider-minio v3.3.0 lists the bucket again while its own removal is still running
 * and exits the plugin (`log.Fatalln`) when that listing fails: the destroy then dies with
 * "pulumi-resource-minio exited prematurely".
 */
import type { MinioAdminSettings } from "./adminSettings";

type Client = import("minio").Client;

/** S3's DeleteObjects limit per request. */
const BATCH = 1000;

/** A fresh client per call: this code also runs in the dynamic provider's own process after serialisation. */
function adminClient(settings: MinioAdminSettings): Client {
  const { Client: MinioClient } = require("minio") as typeof import("minio");
  const separator = settings.endpoint.lastIndexOf(":");
  return new MinioClient({
    endPoint: settings.endpoint.slice(0, separator).replace(/^\[|\]$/g, ""),
    port: Number(settings.endpoint.slice(separator + 1)),
    useSSL: settings.ssl,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    region: settings.region,
    pathStyle: true,
  });
}

interface VersionRef {
  readonly name: string;
  readonly versionId?: string;
}

/** Up to `limit` object versions and delete markers of the bucket. */
function listVersions(client: Client, bucket: string, limit: number): Promise<VersionRef[]> {
  return new Promise((resolve, reject) => {
    const found: VersionRef[] = [];
    const stream = client.listObjects(bucket, "", true, { IncludeVersion: true });
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
export async function bucketExists(settings: MinioAdminSettings, bucket: string): Promise<boolean> {
  return adminClient(settings).bucketExists(bucket);
}

/** Deletes every version of every object in the bucket; returns how many were deleted. */
export async function emptyBucket(settings: MinioAdminSettings, bucket: string): Promise<number> {
  const client = adminClient(settings);
  if (!(await client.bucketExists(bucket))) return 0;
  let deleted = 0;
  for (;;) {
    const batch = await listVersions(client, bucket, BATCH);
    if (batch.length === 0) return deleted;
    const results = await client.removeObjects(bucket, [...batch]);
    const failed = results.find((result) => result?.Error !== undefined)?.Error;
    if (failed) throw new Error(`cannot empty bucket "${bucket}": ${failed.Code ?? "error"} on ${failed.Key ?? "?"}: ${failed.Message ?? ""}`);
    deleted += batch.length;
  }
}
