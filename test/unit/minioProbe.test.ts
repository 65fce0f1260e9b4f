import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeMinio } from "../../components/verification/minioProbe";
import { startMinio, type MinioServer } from "../support/minioServer";

describe("MinIO isolation probe against a real MinIO server", () => {
  let minio: MinioServer;

  beforeAll(async () => {
    minio = await startMinio();
    const root = new Client({ endPoint: "127.0.0.1", port: minio.port, useSSL: false, accessKey: minio.rootUser, secretKey: minio.rootPassword, pathStyle: true });
    await root.makeBucket("tenant-acme");
    await root.makeBucket("tenant-isolation-probe");
  });
  afterAll(async () => minio?.stop());

  const input = () => ({ endpoint: minio.endpoint, ssl: false, ownBucket: "tenant-acme", foreignBucket: "tenant-isolation-probe" });

  it("reports a breach when the credentials reach the neighbour's bucket", async () => {
    const result = await probeMinio({ ...input(), accessKey: minio.rootUser, secretKey: minio.rootPassword });
    expect(result).toMatchObject({ store: "minio", ownAllowed: true, foreignDenied: false });
    expect(result.evidence).toContain("neighbour write: allowed");
  });

  it("leaves no version and no delete marker of its probe object in a versioned bucket", async () => {
    const root = new Client({ endPoint: "127.0.0.1", port: minio.port, useSSL: false, accessKey: minio.rootUser, secretKey: minio.rootPassword, pathStyle: true });
    await root.makeBucket("tenant-versioned");
    await root.setBucketVersioning("tenant-versioned", { Status: "Enabled" });
    const result = await probeMinio({ ...input(), ownBucket: "tenant-versioned", accessKey: minio.rootUser, secretKey: minio.rootPassword });
    expect(result.ownAllowed).toBe(true);
    const versions = await new Promise<unknown[]>((resolve, reject) => {
      const found: unknown[] = [];
      const stream = root.listObjects("tenant-versioned", "", true, { IncludeVersion: true });
      stream.on("data", (item) => found.push(item));
      stream.on("end", () => resolve(found));
      stream.on("error", reject);
    });
    expect(versions).toEqual([]);
    await root.removeBucket("tenant-versioned");
  });

  it("reports unknown credentials as failing on the tenant's own bucket", async () => {
    const result = await probeMinio({ ...input(), accessKey: "tenant-nobody", secretKey: "not-a-real-secret-key" });
    expect(result).toMatchObject({ ownAllowed: false });
    expect(result.evidence).toMatch(/own: .*(Access Key Id|does not exist|InvalidAccessKeyId)/i);
  });
});
