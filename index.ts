import * as pulumi from "@pulumi/pulumi";
import { createStoreProviders, parseStackConfig, Tenant, type TenantCredentials, type TenantEndpoints } from "./components";
import { StorePlatform, storePlatformArgs } from "./components/offline";

/** Reads a stack-config value by its full key, as `namespace:key`. */
function readConfig(fullKey: string): string | undefined {
  const separator = fullKey.indexOf(":");
  return new pulumi.Config(fullKey.slice(0, separator)).get(fullKey.slice(separator + 1));
}

const config = parseStackConfig(readConfig);

// Offline mode: the shared stores run as containers on the Docker host. Every store provider and
// every Tenant depends on the platform: a Tenant's children register only once the Tenant itself
// has, which waits for every container to be created and healthy (the containers' `wait`), and
// the recorded dependencies order `pulumi destroy` the other way round.
const platform = config.offline ? new StorePlatform("offline-stores", storePlatformArgs(config)) : undefined;
const afterPlatform = platform ? { dependsOn: [platform] } : {};
const providers = createStoreProviders(config, afterPlatform);
const storeEndpoints = platform
  ? platform.storeEndpoints
  : {
      minioServer: config.minio.server,
      minioSsl: config.minio.ssl,
      postgresHost: config.postgres.host,
      postgresPort: config.postgres.port,
      postgresSslmode: config.postgres.sslmode,
      redisUrl: config.redis.url,
      qdrantUrl: config.qdrant.url,
    };

const tenants = config.tenants.map(
  (entry) =>
    new Tenant(entry.id, {
      config: entry.config,
      mode: config.mode,
      suspended: entry.suspended,
      credentialRotation: entry.rotation,
      providers,
      controlPlaneDbUrl: config.controlPlaneDbUrl,
      operatorAgeRecipients: config.operatorAgeRecipients,
      qdrantAdminKey: pulumi.secret(config.qdrant.apiKey),
      storeEndpoints,
    }, afterPlatform),
);

/** Per tenant: public endpoints, and credentials as one secret. */
export const tenantOutputs: Record<string, { endpoints: pulumi.Output<TenantEndpoints>; credentials: pulumi.Output<TenantCredentials> }> =
  Object.fromEntries(tenants.map((tenant) => [tenant.tenantId, { endpoints: tenant.endpoints, credentials: tenant.credentials }]));
export const mode = config.mode;
