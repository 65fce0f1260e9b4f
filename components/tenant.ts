import * as pulumi from "@pulumi/pulumi";
import { withoutUserInfo, type StoreEndpoints } from "./endpoints";
import { createTenantFirewall, createTenantNetwork, createTenantServer, PRIVATE_NETWORK } from "./hetzner";
import { createTenantStorage } from "./minio";
import { assertTenantId, EMBEDDING_DIMENSIONS, INITIAL_ROTATION, type JsonObject, type Mode, parseTenantConfig, rotationTokenProblem, type TenantConfig, tenantNames, type TenantNames } from "../domain";
import { createTenantDatabase } from "./postgres";
import { partName } from "./partOptions";
import type { StoreProviders } from "./providers";
import { QdrantCollection, QdrantTokenGrant } from "./qdrant";
import { RedisAclUser, redisAclRules, RedisTenantKeys } from "./redis";
import { createTenantSecretMaterial } from "./secrets";
import { TenantIsolationVerification } from "./verification";
import { monitorAcceptsErrorHooks, TenantProvisioningComplete, TenantProvisioningStart, tenantFailureHook } from "./registry";

export const TENANT_TYPE = "frostbyte:tenant:Tenant";

/** Everything one tenant is built from, but its id: the id is the component's name. */
export interface TenantArgs {
  /** The tenant's config (DESIGN §6); validated again here, defaults filled in. */
  readonly config: TenantConfig;
  /** `online` adds the Hetzner network, firewall and server; `offline` uses only the stores. */
  readonly mode: Mode;
  /** Suspended tenants keep their data; every credential is disabled (DESIGN §7). */
  readonly suspended?: boolean;
  /** Explicit providers for the stores; `hcloud` is required in online mode. */
  readonly providers: StoreProviders;
  /** The stores' public addresses, published in the tenant's endpoints. */
  readonly storeEndpoints: StoreEndpoints;
  /**
   * The rotation token (`initial` by default): changing it regenerates every credential of the
   * tenant and its age key, re-encrypts its secrets file, and records TENANT_CREDENTIALS_ROTATED.
   */
  readonly credentialRotation?: string;
  /** The control-plane database, for recording a failed step from the engine's error hook. */
  readonly controlPlaneDbUrl: string;
  /** Operators' age recipients, who may also decrypt the tenant's secrets file. */
  readonly operatorAgeRecipients: readonly string[];
  /** Qdrant's admin API key, which signs the tenant's collection-scoped token. */
  readonly qdrantAdminKey: pulumi.Input<string>;
}

/** The public addresses a tenant's workloads use; never a secret. */
export interface TenantEndpoints {
  readonly minio: { readonly endpoint: string; readonly ssl: boolean; readonly bucket: string };
  readonly postgres: { readonly host: string; readonly port: number; readonly database: string };
  readonly redis: { readonly url: string; /** ACL pattern of the tenant's keys, e.g. `~tenant:acme:*`. */ readonly pattern: string };
  readonly qdrant: { readonly url: string; readonly collection: string };
  readonly server?: { readonly ipv4: string; readonly ipv6: string; readonly privateIp: string };
}

/** The tenant's credentials; the whole object is a Pulumi secret. */
export interface TenantCredentials {
  readonly minio: { readonly accessKey: string; readonly secretKey: string };
  readonly postgres: { readonly user: string; readonly password: string };
  readonly redis: { readonly user: string; readonly password: string };
  readonly qdrant: { readonly token: string };
}

/**
 * One tenant of the platform: its private Hetzner network, firewall and server (online mode), its
 * MinIO bucket and user, PostgreSQL database and role, Qdrant collection and Redis ACL user, each
 * reachable only with the tenant's own generated credentials.
 *
 * Its name is its tenant id (DESIGN §1), so there is one identity: `new Tenant("acme", args)`.
 * Every child is named `{tenantId}-{role}` (partName in partOptions.ts).
 */
export class Tenant extends pulumi.ComponentResource {
  readonly tenantId: string;
  readonly names: TenantNames;
  readonly endpoints: pulumi.Output<TenantEndpoints>;
  readonly credentials: pulumi.Output<TenantCredentials>;

  constructor(id: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refuse bad input before anything, the component itself included, is registered.
    const tenantId = assertTenantId(id);
    const config = parseTenantConfig(args.config, `tenant "${tenantId}".config`);
    if (args.mode === "online" && !args.providers.hcloud) throw new Error(`tenant "${tenantId}": online mode needs an hcloud provider`);
    const rotation = args.credentialRotation ?? INITIAL_ROTATION;
    const rotationProblem = rotationTokenProblem(rotation);
    if (rotationProblem !== undefined) throw new Error(`tenant "${tenantId}".credentialRotation: ${rotationProblem}`);
    super(TENANT_TYPE, tenantId, {}, opts);

    this.tenantId = tenantId;
    this.names = tenantNames(tenantId);
    const names = this.names;
    const suspended = args.suspended ?? false;

    // Write-back, first half: the tenant is PROVISIONING before anything else is touched.
    const start = new TenantProvisioningStart(partName(tenantId, "provisioning-start"), { tenantId, config }, { parent: this });
    const material = createTenantSecretMaterial(
      names,
      {
        rotation,
        operatorAgeRecipients: args.operatorAgeRecipients,
        qdrantAdminKey: args.qdrantAdminKey,
      },
      { parent: this, dependsOn: [start] },
    );
    const secrets = material.generated;
    const storeOpts = {
      parent: this,
      dependsOn: [start, material.secretsFile],
      ...(monitorAcceptsErrorHooks() ? { hooks: { onError: [tenantFailureHook(tenantId, args.controlPlaneDbUrl)] } } : {}),
    };

    const hetzner = args.providers.hcloud;
    const server =
      args.mode === "online" && hetzner
        ? (() => {
            const opts = { ...storeOpts, provider: hetzner };
            const network = createTenantNetwork(names, config.server, opts);
            const firewall = createTenantFirewall(names, config.network, suspended, opts);
            return createTenantServer(names, config.server, { network, firewall }, opts);
          })()
        : undefined;

    const storage = createTenantStorage(
      names,
      { quotas: config.quotas, secretKey: secrets.minioSecretKey, suspended },
      { ...storeOpts, provider: args.providers.minio },
    );
    const database = createTenantDatabase(
      names,
      { password: secrets.postgresPassword, connectionLimit: config.quotas.db_connections, suspended, rotation },
      { ...storeOpts, provider: args.providers.postgresql },
    );
    const collection = new QdrantCollection(
      partName(tenantId, "qdrant-collection"),
      { tenantId, name: names.qdrant.collection, vectorSize: EMBEDDING_DIMENSIONS, distance: "Cosine" },
      storeOpts,
    );
    const qdrantGrant = new QdrantTokenGrant(partName(tenantId, "qdrant-token-grant"), { tenantId, rotation, enabled: !suspended }, storeOpts);
    const redisKeys = new RedisTenantKeys(partName(tenantId, "redis-keys"), { tenantId, pattern: names.redis.keyPattern }, storeOpts);
    // The user depends on its keys, so a destroy deletes the user (and its connections) before the keys.
    const redisUser = new RedisAclUser(
      partName(tenantId, "redis-acl-user"),
      { username: names.redis.user, rules: redisAclRules(names, !suspended), password: secrets.redisPassword },
      { ...storeOpts, dependsOn: [...storeOpts.dependsOn, redisKeys] },
    );

    const storeEndpoints = args.storeEndpoints;
    this.endpoints = pulumi
      .all([storage.bucket.bucket, database.database.name, collection.name, server?.ipv4Address, server?.ipv6Address])
      .apply(([bucket, databaseName, collectionName, ipv4, ipv6]) => ({
        minio: { endpoint: storeEndpoints.minioServer, ssl: storeEndpoints.minioSsl, bucket },
        postgres: { host: storeEndpoints.postgresHost, port: storeEndpoints.postgresPort, database: databaseName },
        redis: { url: withoutUserInfo(storeEndpoints.redisUrl), pattern: names.redis.keyPattern },
        qdrant: { url: withoutUserInfo(storeEndpoints.qdrantUrl), collection: collectionName },
        ...(server ? { server: { ipv4: ipv4 ?? "", ipv6: ipv6 ?? "", privateIp: PRIVATE_NETWORK.serverIp } } : {}),
      }));
    this.credentials = pulumi.secret(
      pulumi
        .all([storage.user.name, secrets.minioSecretKey, database.role.name, secrets.postgresPassword, redisUser.username, secrets.redisPassword, material.qdrantToken])
        .apply(([accessKey, secretKey, pgUser, pgPassword, redisUserName, redisPassword, token]) => ({
          minio: { accessKey, secretKey },
          postgres: { user: pgUser, password: pgPassword },
          redis: { user: redisUserName, password: redisPassword },
          qdrant: { token },
        })),
    );

    // Write-back, second half: only once every store exists is the tenant ACTIVE (or SUSPENDED).
    const provisioned: Record<string, pulumi.CustomResource> = {
      minioBucket: storage.bucket,
      minioBucketVersioning: storage.versioning,
      minioBucketObjects: storage.objects,
      minioUser: storage.user,
      minioPolicy: storage.policy,
      minioPolicyAttachment: storage.attachment,
      postgresRole: database.role,
      postgresDatabase: database.database,
      postgresPublicRevoke: database.publicRevoke,
      postgresSessionCutoff: database.sessionCutoff,
      qdrantCollection: collection,
      qdrantGrantPoint: qdrantGrant,
      redisAclUser: redisUser,
      ...(server ? { hetznerServer: server } : {}),
    };
    const storeIds = Object.fromEntries(Object.entries(provisioned).map(([role, resource]) => [role, resource.id]));
    // The opening and the keys are no store objects of their own (the database's id, the user's
    // pattern), so they are not recorded; they are waited for.
    const stores = [...Object.values(provisioned), database.opening, redisKeys];
    const verification = new TenantIsolationVerification(
      partName(tenantId, "isolation-verification"),
      {
        check: pulumi.secret(
          pulumi.all([this.credentials, this.endpoints]).apply(([credentials, endpoints]) => ({
            tenantId,
            postgres: { host: endpoints.postgres.host, port: endpoints.postgres.port, sslmode: storeEndpoints.postgresSslmode, ...credentials.postgres },
            minio: { endpoint: endpoints.minio.endpoint, ssl: endpoints.minio.ssl, ...credentials.minio },
            redis: { url: endpoints.redis.url, ...credentials.redis },
            qdrant: { url: endpoints.qdrant.url, token: credentials.qdrant.token },
          })),
        ),
        storeIds,
      },
      { ...storeOpts, dependsOn: stores },
    );
    new TenantProvisioningComplete(
      partName(tenantId, "provisioning-complete"),
      {
        tenantId,
        endpoints: this.endpoints.apply((endpoints) => ({ ...endpoints }) as JsonObject),
        resources: storeIds,
        suspended,
        provisioningRun: start.provisioningRun,
        credentialRotation: rotation,
      },
      { parent: this, dependsOn: [...stores, verification] },
    );
    this.registerOutputs({ endpoints: this.endpoints, credentials: this.credentials });
  }
}
