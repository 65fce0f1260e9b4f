/**
 * The bucket objects provider's emptying against a real MinIO server: every object version and
 * delete marker goes, so MinIO then removes the bucket without any force path.
 */
import * as Minio from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyBucket } from "../../components/minio/bucketObjectsOperations";
import { minioAdminSettings } from "../../components/providerRuntime/adminSettings";
import { startMinio, type MinioServer } from "../support/minioServer";

let minio: MinioServer;
let client: Minio.Client;

beforeAll(async () => {
  minio = await startMinio();
  const [host, port] = minio.endpoint.split(":");
  client = new Minio.Client({ endPoint: host ?? "", port: Number(port), useSSL: false, accessKey: minio.rootUser, secretKey: minio.rootPassword });
});
afterAll(async () => {
  await minio?.stop();
});

const settings = () =>
  minioAdminSettings({ get: (key: string) => ({ "minio:minioServer": minio.endpoint, "minio:minioUser": minio.rootUser, "minio:minioPassword": minio.rootPassword })[key] });

describe("emptying a tenant's versioned bucket before its delete", () => {
  it("deletes every version and delete marker, after which the bucket can be removed", async () => {
    await client.makeBucket("tenant-empty-me");
    await client.setBucketVersioning("tenant-empty-me", { Status: "Enabled" });
    for (let i = 0; i < 5; i += 1) await client.putObject("tenant-empty-me", `docs/${i}.txt`, Buffer.from(`v1 ${i}`));
    await client.putObject("tenant-empty-me", "docs/0.txt", Buffer.from("v2"));
    await client.removeObject("tenant-empty-me", "docs/1.txt"); // leaves a delete marker and the version
    // Without emptying, MinIO refuses: the bucket holds versions.
    await expect(client.removeBucket("tenant-empty-me")).rejects.toThrow(/not empty/i);

    expect(await emptyBucket(settings(), "tenant-empty-me")).toBe(7); // five first versions, the second version of 0, the delete marker of 1
    await client.removeBucket("tenant-empty-me");
    expect(await client.bucketExists("tenant-empty-me")).toBe(false);
  });

  it("needs nothing for a bucket that is already gone or empty", async () => {
    expect(await emptyBucket(settings(), "tenant-never-made")).toBe(0);
    await client.makeBucket("tenant-already-empty");
    expect(await emptyBucket(settings(), "tenant-already-empty")).toBe(0);
  });

  it("refuses to run without the admin settings, naming them", () => {
    expect(() => minioAdminSettings({ get: () => undefined })).toThrow(
      "minio:minioServer: is required but not set; minio:minioUser: is required but not set; minio:minioPassword: is required but not set",
    );
  });
});
