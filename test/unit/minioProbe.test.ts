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

  it("reports unknown credentials as failing on the tenant's own bucket", async () => {
    const result = await probeMinio({ ...input(), accessKey: "tenant-nobody", secretKey: "not-a-real-secret-key" });
    expect(result).toMatchObject({ ownAllowed: false });
    expect(result.evidence).toMatch(/own: .*(Access Key Id|does not exist|InvalidAccessKeyId)/i);
  });
});
