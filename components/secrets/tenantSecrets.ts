import * as pulumi from "@pulumi/pulumi";
import { generateTenantSecrets, type TenantSecrets } from "../credentials";
import type { TenantNames } from "../../domain";
import { partName } from "../partOptions";
import { mintCollectionToken } from "../qdrant";
import { TenantAgeKey } from "./ageKey";
import { TenantSecretsFile } from "./secretsFile";

export interface TenantSecretMaterial {
  readonly ageKey: TenantAgeKey;
  readonly generated: TenantSecrets;
  /** The tenant's Qdrant JWT, scoped to its collection and revocable through its grant point; secret. */
  readonly qdrantToken: pulumi.Output<string>;
  readonly secretsFile: TenantSecretsFile;
}

export interface TenantSecretMaterialArgs {
  readonly rotation: string;
  readonly operatorAgeRecipients: readonly string[];
  /** Signs the tenant's Qdrant token (Qdrant's jwt_rbac uses the admin API key as the HMAC key). */
  readonly qdrantAdminKey: pulumi.Input<string>;
}

/**
 * DESIGN §7's first steps: the age key pair, then the credentials, then the SOPS-encrypted secrets
 * file holding them, encrypted to the tenant's key and the operators' recipients.
 */
export function createTenantSecretMaterial(
  names: TenantNames,
  args: TenantSecretMaterialArgs,
  opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] },
): TenantSecretMaterial {
  const ageKey = new TenantAgeKey(partName(names.tenantId, "age-key"), { tenantId: names.tenantId, rotation: args.rotation }, opts);
  const generated = generateTenantSecrets(names.tenantId, args.rotation, { parent: opts.parent, dependsOn: [ageKey] });
  const qdrantToken = pulumi.secret(
    pulumi.output(args.qdrantAdminKey).apply((key) => mintCollectionToken(key, names.tenantId, names.qdrant.collection, args.rotation)),
  );
  const secretsFile = new TenantSecretsFile(
    partName(names.tenantId, "secrets-file"),
    {
      tenantId: names.tenantId,
      document: pulumi.all([generated.minioSecretKey, generated.postgresPassword, generated.redisPassword, qdrantToken]).apply(
        ([minioSecretKey, postgresPassword, redisPassword, token]) => ({
          tenant: names.tenantId,
          minio: { accessKey: names.minio.user, secretKey: minioSecretKey },
          postgres: { user: names.postgres.role, password: postgresPassword },
          redis: { user: names.redis.user, password: redisPassword },
          qdrant: { token },
        }),
      ),
      recipients: pulumi.all([ageKey.publicKey, [...args.operatorAgeRecipients]]).apply(([own, operators]) => [own, ...operators]),
    },
    { parent: opts.parent },
  );
  return { ageKey, generated, qdrantToken, secretsFile };
}
