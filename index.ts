import * as pulumi from "@pulumi/pulumi";
import { createStoreProviders, parseStackConfig, Tenant, type TenantCredentials, type TenantEndpoints } from "./components";

/** Reads a stack-config value by its full key, as `namespace:key`. */
function readConfig(fullKey: string): string | undefined {
  const separator = fullKey.indexOf(":");
  return new pulumi.Config(fullKey.slice(0, separator)).get(fullKey.slice(separator + 1));
}

const config = parseStackConfig(readConfig);
const providers = createStoreProviders(config);

const tenants = config.tenants.map(
  (entry) =>
    new Tenant(entry.id, {
      tenantId: entry.id,
      config: entry.config,
      mode: config.mode,
      suspended: entry.suspended,
      providers,
      controlPlaneDbUrl: config.controlPlaneDbUrl,
      operatorAgeRecipients: config.operatorAgeRecipients,
      qdrantAdminKey: pulumi.secret(config.qdrant.apiKey),
      storeEndpoints: {
        minioServer: config.minio.server,
        minioSsl: config.minio.ssl,
        postgresHost: config.postgres.host,
        postgresPort: config.postgres.port,
        postgresSslmode: config.postgres.sslmode,
        redisUrl: config.redis.url,
        qdrantUrl: config.qdrant.url,
      },
    }),
);

/** Per tenant: public endpoints, and credentials as one secret. */
export const tenantOutputs: Record<string, { endpoints: pulumi.Output<TenantEndpoints>; credentials: pulumi.Output<TenantCredentials> }> =
  Object.fromEntries(tenants.map((tenant) => [tenant.tenantId, { endpoints: tenant.endpoints, credentials: tenant.credentials }]));
export const mode = config.mode;
