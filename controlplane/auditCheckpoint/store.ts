/**
 * The checkpoint bucket: S3 object lock in COMPLIANCE mode, so no one (the store's root user
 * included) can delete or shorten the retention of a stored checkpoint version before it expires.
 * What object lock still allows is looked for on every read: a newer version written over a
 * checkpoint's name, or a delete marker that hides it, is reported as tampering.
 */
import { Client, type ObjectLockInfo } from "minio";
import { CheckpointStoreError } from "./errors";
import { tenantCheckpointPrefix } from "./format";
import type { CheckpointStoreSettings } from "./settings";

/** One checkpoint object version as read back. */
export interface StoredCheckpoint {
  readonly name: string;
  readonly versionId: string;
  readonly body: string;
  /** End of its COMPLIANCE retention (ISO). */
  readonly retainUntil: string;
}

/** What a write stored. */
export interface WrittenCheckpoint {
  readonly name: string;
  readonly versionId: string;
  readonly retainUntil: string;
}

interface ObjectVersion {
  readonly name: string;
  readonly versionId: string;
  readonly isDeleteMarker: boolean;
}

/** A checkpoint is a few hundred bytes; anything far larger is not one. */
const MAX_CHECKPOINT_BYTES = 64 * 1024;

function isObjectVersion(item: unknown): item is ObjectVersion {
  const candidate = item as Partial<ObjectVersion> | null;
  return typeof candidate?.name === "string" && typeof candidate.versionId === "string" && typeof candidate.isDeleteMarker === "boolean";
}

function causeOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class CheckpointStore {
  private readonly client: Client;

  constructor(private readonly settings: CheckpointStoreSettings) {
    this.client = new Client({
      endPoint: settings.endPoint,
      port: settings.port,
      useSSL: settings.useSSL,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      region: settings.region,
      pathStyle: true,
    });
  }

  /** `bucket <name> at <endpoint>`, for messages; never a credential. */
  describe(): string {
    const { endPoint, port, useSSL, bucket } = this.settings;
    return `bucket ${bucket} at ${useSSL ? "https" : "http"}://${endPoint.includes(":") ? `[${endPoint}]` : endPoint}:${port}`;
  }

  /** Runs one call to the store, refused after the configured limit. */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckpointStoreError(`${what} in ${this.describe()} did not answer within ${this.settings.timeoutMs} ms`)), this.settings.timeoutMs);
    });
    try {
      return await Promise.race([work(), limit]);
    } catch (error) {
      if (error instanceof CheckpointStoreError) throw error;
      throw new CheckpointStoreError(`${what} in ${this.describe()} failed: ${causeOf(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Creates the bucket with object lock and a default COMPLIANCE retention of the configured days,
   * or checks that the existing one has at least that; refuses a bucket without it.
   */
  async prepareBucket(): Promise<void> {
    const { bucket, region, retentionDays } = this.settings;
    const exists = await this.call("checking the bucket", () => this.client.bucketExists(bucket));
    if (!exists) {
      await this.call("creating the bucket with object lock", () => this.client.makeBucket(bucket, region, { ObjectLocking: true }));
      await this.call("setting the default COMPLIANCE retention", () =>
      this.client.setObjectLockConfig(bucket, { mode: "COMPLIANCE", unit: "Days", validity: retentionDays }) as unknown as Promise<void>,
    );
    }
    // The client's overloads put the callback form first; the one-argument call returns a promise.
    const lock: ObjectLockInfo = await this.call("reading the object lock configuration", () =>
      (this.client.getObjectLockConfig(bucket) as unknown as Promise<ObjectLockInfo>).catch((error: unknown): ObjectLockInfo => {
        if ((error as { code?: unknown }).code === "ObjectLockConfigurationNotFoundError") return {};
        throw error;
      }),
    );
    const days = "mode" in lock ? (lock.unit === "Years" ? lock.validity * 365 : lock.validity) : 0;
    if (!("mode" in lock) || lock.objectLockEnabled !== "Enabled" || lock.mode !== "COMPLIANCE" || days < retentionDays) {
      const found = "mode" in lock ? `${lock.mode} for ${lock.validity} ${lock.unit}` : "no default retention";
      throw new CheckpointStoreError(
        `${this.describe()} must have object lock with a default COMPLIANCE retention of at least ${retentionDays} day(s), and has ${found}: checkpoints there could be rewritten. Use a new bucket (frostbyte creates it) or raise the bucket's retention`,
      );
    }
  }

  /**
   * Writes a new checkpoint object; refused when the name exists (If-None-Match), and checked to be
   * under COMPLIANCE retention once stored.
   */
  async write(name: string, body: string): Promise<WrittenCheckpoint> {
    const { bucket } = this.settings;
    const data = Buffer.from(body, "utf8");
    const uploaded = await this.call(`writing ${name}`, () => this.client.putObject(bucket, name, data, data.length, { "Content-Type": "application/json", "If-None-Match": "*" }));
    const versionId = uploaded.versionId;
    if (versionId === null || versionId === "") throw new CheckpointStoreError(`${this.describe()} stored ${name} without a version: object lock (and so versioning) is off`);
    const retainUntil = await this.compliantUntil(name, versionId);
    return { name, versionId, retainUntil };
  }

  /** End of the version's COMPLIANCE retention; throws when it has none. */
  private async compliantUntil(name: string, versionId: string): Promise<string> {
    const retention = await this.call(`reading the retention of ${name}`, () => this.client.getObjectRetention(this.settings.bucket, name, { versionId }));
    if (retention?.mode !== "COMPLIANCE") {
      throw new CheckpointStoreError(`checkpoint ${name} (version ${versionId}) in ${this.describe()} is not under COMPLIANCE retention (${retention?.mode ?? "none"}): it could have been rewritten`);
    }
    return new Date(retention.retainUntilDate).toISOString();
  }

  private async versions(prefix: string): Promise<ObjectVersion[]> {
    return this.call(`listing ${prefix}`, async () => {
      const found: ObjectVersion[] = [];
      for await (const item of this.client.listObjects(this.settings.bucket, prefix, true, { IncludeVersion: true }) as AsyncIterable<unknown>) {
        if (!isObjectVersion(item)) throw new CheckpointStoreError(`listing ${prefix} returned an entry without a version: is object lock on?`);
        found.push(item);
      }
      return found;
    });
  }

  /**
   * The tenant's newest checkpoint (by name: chain position, then time), or undefined when it has
   * none. Throws {@link CheckpointStoreError} when any of its checkpoints was hidden by a delete
   * marker or has more than one version.
   */
  async latest(tenantId: string): Promise<StoredCheckpoint | undefined> {
    const prefix = tenantCheckpointPrefix(tenantId);
    const versions = await this.versions(prefix);
    const byName = new Map<string, ObjectVersion[]>();
    for (const version of versions) byName.set(version.name, [...(byName.get(version.name) ?? []), version]);
    for (const [name, list] of byName) {
      const marker = list.find((version) => version.isDeleteMarker);
      if (marker) throw new CheckpointStoreError(`checkpoint ${name} in ${this.describe()} was hidden by a delete marker (version ${marker.versionId}): someone tried to remove it`);
      if (list.length > 1) throw new CheckpointStoreError(`checkpoint ${name} in ${this.describe()} has ${list.length} versions: something was written over it`);
    }
    const newest = [...byName.keys()].sort().at(-1);
    const version = newest === undefined ? undefined : byName.get(newest)?.[0];
    if (newest === undefined || version === undefined) return undefined;
    const body = await this.read(newest, version.versionId);
    return { name: newest, versionId: version.versionId, body, retainUntil: await this.compliantUntil(newest, version.versionId) };
  }

  private async read(name: string, versionId: string): Promise<string> {
    return this.call(`reading ${name}`, async () => {
      const stream = await this.client.getObject(this.settings.bucket, name, { versionId });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_CHECKPOINT_BYTES) {
          stream.destroy();
          throw new CheckpointStoreError(`checkpoint ${name} in ${this.describe()} is larger than ${MAX_CHECKPOINT_BYTES} bytes: it is not a checkpoint`);
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks).toString("utf8");
    });
  }
}
