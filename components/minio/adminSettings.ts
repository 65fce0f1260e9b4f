/** How a dynamic provider reaches MinIO as its administrator: the minio provider's own stack config. */
export interface MinioAdminSettings {
  /** host:port */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly ssl: boolean;
  readonly region: string;
}

/** Reads `minio:minioServer`, `minioUser`, `minioPassword`, `minioSsl` and `minioRegion` from a dynamic provider's configure config. */
export function minioAdminSettingsFrom(config: { get(key: string): string | undefined }): MinioAdminSettings {
  const endpoint = config.get("minio:minioServer");
  const accessKey = config.get("minio:minioUser");
  const secretKey = config.get("minio:minioPassword");
  if (!endpoint || !accessKey || !secretKey) throw new Error("minio:minioServer, minio:minioUser and minio:minioPassword must be set; the bucket objects provider needs them");
  return { endpoint, accessKey, secretKey, ssl: config.get("minio:minioSsl") === "true", region: config.get("minio:minioRegion") ?? "us-east-1" };
}
