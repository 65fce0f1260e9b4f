/**
 * How the bucket-objects provider reaches MinIO as its administrator: the minio provider's own stack
 * config (`minio:minioServer`, …), read in its `configure` by providerRuntime/adminSettings.ts.
 */
export interface MinioAdminSettings {
  /** host:port */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly ssl: boolean;
  readonly region: string;
}
