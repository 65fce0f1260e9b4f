/**
 * The one place that derives store names from a tenant id (DESIGN §1).
 * Nothing else in the program, the portal, the policy pack or the tests builds a name by hand.
 */

/** The pattern every tenant id must match; length and "--" are checked beside it. */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const TENANT_ID_MIN_LENGTH = 3;
export const TENANT_ID_MAX_LENGTH = 30;
/** The rule as people read it, quoted in every refusal. */
export const TENANT_ID_RULE = `must match ${TENANT_ID_PATTERN.source} (${TENANT_ID_MIN_LENGTH}–${TENANT_ID_MAX_LENGTH} characters, no "--")`;

/** Thrown for a tenant id that breaks DESIGN §1; the message names the id and the rule. */
export class InvalidTenantIdError extends Error {
  /** The HTTP status the portal answers it with (Bad Request). */
  readonly statusCode = 400;

  constructor(readonly tenantId: string, readonly reason: string) {
    super(`tenant id ${JSON.stringify(tenantId)}: ${TENANT_ID_RULE}; ${reason}`);
    this.name = "InvalidTenantIdError";
  }
}

/** The tenant id whose namespaces isolation checks target as "the neighbour"; no tenant may have it. */
export const ISOLATION_PROBE_TENANT_ID = "isolation-probe";

/** Why an id breaks §1, or undefined when it is valid. */
export function tenantIdProblem(id: string): string | undefined {
  if (id.length < TENANT_ID_MIN_LENGTH) return `it has ${id.length} characters`;
  if (id.length > TENANT_ID_MAX_LENGTH) return `it has ${id.length} characters`;
  if (id.includes("--")) return `it contains "--"`;
  if (!TENANT_ID_PATTERN.test(id)) return "it has a character or an end that the pattern does not allow";
  if (id === ISOLATION_PROBE_TENANT_ID) return "it is reserved for isolation checks";
  return undefined;
}

/** Returns the id unchanged when it keeps §1, and throws {@link InvalidTenantIdError} otherwise. */
export function assertTenantId(id: unknown): string {
  if (typeof id !== "string") {
    throw new InvalidTenantIdError(String(id), `it is a ${id === null ? "null" : typeof id}, not a string`);
  }
  const problem = tenantIdProblem(id);
  if (problem !== undefined) throw new InvalidTenantIdError(id, problem);
  return id;
}

/** Every name a tenant's resources carry, derived from its id. */
export interface TenantNames {
  readonly tenantId: string;
  readonly hetzner: {
    readonly network: string;
    readonly firewall: string;
    readonly server: string;
    /** Label key and value put on every Hetzner resource of the tenant. */
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly minio: { readonly bucket: string; readonly user: string; readonly policy: string };
  readonly postgres: { readonly database: string; readonly role: string };
  readonly qdrant: { readonly collection: string };
  readonly redis: { readonly user: string; readonly keyPattern: string; readonly channelPattern: string };
  /** Path of the SOPS-encrypted secrets file in the control plane. */
  readonly secretsFile: string;
}

/** The label key that marks a Hetzner resource with its tenant. */
export const TENANT_LABEL_KEY = "frostbyte.io/tenant";

/** Derives every §1 name for a valid tenant id (throws for an invalid one; the reserved probe id is allowed here). */
export function tenantNames(id: string): TenantNames {
  const tenantId = id === ISOLATION_PROBE_TENANT_ID ? id : assertTenantId(id);
  const underscored = tenantId.replace(/-/g, "_");
  return {
    tenantId,
    hetzner: {
      network: `fb-${tenantId}-net`,
      firewall: `fb-${tenantId}-fw`,
      server: `fb-${tenantId}-srv`,
      labels: { [TENANT_LABEL_KEY]: tenantId },
    },
    minio: { bucket: `tenant-${tenantId}`, user: `tenant-${tenantId}`, policy: `tenant-${tenantId}-rw` },
    postgres: { database: `tenant_${underscored}`, role: `tenant_${underscored}_app` },
    qdrant: { collection: `tenant_${underscored}` },
    redis: { user: `tenant-${tenantId}`, keyPattern: `~tenant:${tenantId}:*`, channelPattern: `&tenant:${tenantId}:*` },
    secretsFile: `secrets/${tenantId}.enc.yaml`,
  };
}
