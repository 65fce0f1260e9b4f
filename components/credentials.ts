import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { partName, type TenantPartRole } from "./partOptions";

/** The generated secrets of one tenant; every value is a Pulumi secret. */
export interface TenantSecrets {
  readonly minioSecretKey: pulumi.Output<string>;
  readonly postgresPassword: pulumi.Output<string>;
  readonly redisPassword: pulumi.Output<string>;
}

/** Which credential a generated password is for; also the child resource's role in its name. */
const CREDENTIALS = {
  minioSecretKey: { role: "minio-secret-key", length: 40 },
  postgresPassword: { role: "postgres-password", length: 32 },
  redisPassword: { role: "redis-password", length: 32 },
} as const satisfies Record<string, { role: TenantPartRole; length: number }>;

/**
 * Generates the tenant's credentials. Alphanumeric only, so they pass unescaped through URLs,
 * connection strings and Redis ACL rules; the length makes up for the smaller alphabet.
 * `rotation` is a keeper: changing it regenerates every credential.
 */
export function generateTenantSecrets(tenantId: string, rotation: string, opts: { parent: pulumi.Resource; dependsOn?: pulumi.Resource[] }): TenantSecrets {
  const make = (key: keyof typeof CREDENTIALS) =>
    pulumi.secret(
      new random.RandomPassword(
        partName(tenantId, CREDENTIALS[key].role),
        { length: CREDENTIALS[key].length, special: false, keepers: { rotation } },
        { ...opts, additionalSecretOutputs: ["result"] },
      ).result,
    );
  return { minioSecretKey: make("minioSecretKey"), postgresPassword: make("postgresPassword"), redisPassword: make("redisPassword") };
}
