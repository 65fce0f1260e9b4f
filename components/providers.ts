import * as hcloud from "@pulumi/hcloud";
import * as minio from "@pulumi/minio";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../domain";

/** The explicit providers a tenant's parts are created with; hcloud only in online mode. */
export interface StoreProviders {
  readonly hcloud?: hcloud.Provider;
  readonly minio: minio.Provider;
  readonly postgresql: postgresql.Provider;
}

/**
 * Builds one provider per store from the validated stack config, so a stack addresses the store
 * endpoints it names rather than whatever ambient provider config a machine happens to have. In
 * offline mode pass `{ dependsOn: [platform] }`: the providers then wait for the store containers,
 * and every resource they manage is recorded as depending on them.
 */
export function createStoreProviders(config: StackConfig, opts?: pulumi.CustomResourceOptions): StoreProviders {
  const hetzner = config.hcloud
    ? new hcloud.Provider(
        "hcloud",
        { token: pulumi.secret(config.hcloud.token), ...(config.hcloud.endpoint ? { endpoint: config.hcloud.endpoint } : {}) },
        opts,
      )
    : undefined;
  return {
    ...(hetzner ? { hcloud: hetzner } : {}),
    minio: new minio.Provider(
      "minio",
      {
        minioServer: config.minio.server,
        minioUser: config.minio.user,
        minioPassword: pulumi.secret(config.minio.password),
        minioSsl: config.minio.ssl,
        minioRegion: config.minio.region,
      },
      opts,
    ),
    postgresql: new postgresql.Provider(
      "postgresql",
      {
        host: config.postgres.host,
        port: config.postgres.port,
        username: config.postgres.username,
        password: pulumi.secret(config.postgres.password),
        sslmode: config.postgres.sslmode,
        superuser: config.postgres.superuser,
      },
      opts,
    ),
  };
}
