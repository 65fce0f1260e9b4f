/**
 * Where checkpoints are kept and with which keys, from the environment. Every variable, its
 * default and its meaning:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT | unset: no checkpoint store | S3/MinIO URL, `https://host:port` |
 * | FROSTBYTE_AUDIT_CHECKPOINT_ACCESS_KEY | required with the endpoint | access key of the store |
 * | FROSTBYTE_AUDIT_CHECKPOINT_SECRET_KEY | required with the endpoint | its secret key |
 * | FROSTBYTE_AUDIT_CHECKPOINT_BUCKET | `frostbyte-audit-checkpoints` | bucket with object lock |
 * | FROSTBYTE_AUDIT_CHECKPOINT_REGION | `us-east-1` | region of the bucket |
 * | FROSTBYTE_AUDIT_CHECKPOINT_RETENTION_DAYS | `365` | COMPLIANCE retention of each checkpoint |
 * | FROSTBYTE_AUDIT_CHECKPOINT_TIMEOUT_MS | `15000` | limit of each call to the store |
 * | FROSTBYTE_AUDIT_SIGNING_KEY_FILE | required by `audit checkpoint` | Ed25519 private key (PEM, mode 0600) |
 * | FROSTBYTE_AUDIT_VERIFY_KEY_FILE | the signing key's public half | PEM public key(s) `audit verify` trusts |
 */
import { CheckpointSettingsError } from "./errors";

export const CHECKPOINT_ENV = {
  endpoint: "FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT",
  accessKey: "FROSTBYTE_AUDIT_CHECKPOINT_ACCESS_KEY",
  secretKey: "FROSTBYTE_AUDIT_CHECKPOINT_SECRET_KEY",
  bucket: "FROSTBYTE_AUDIT_CHECKPOINT_BUCKET",
  region: "FROSTBYTE_AUDIT_CHECKPOINT_REGION",
  retentionDays: "FROSTBYTE_AUDIT_CHECKPOINT_RETENTION_DAYS",
  timeoutMs: "FROSTBYTE_AUDIT_CHECKPOINT_TIMEOUT_MS",
  signingKeyFile: "FROSTBYTE_AUDIT_SIGNING_KEY_FILE",
  verifyKeyFile: "FROSTBYTE_AUDIT_VERIFY_KEY_FILE",
} as const;

export const CHECKPOINT_DEFAULTS = { bucket: "frostbyte-audit-checkpoints", region: "us-east-1", retentionDays: 365, timeoutMs: 15_000 } as const;

/** How to reach the checkpoint bucket. */
export interface CheckpointStoreSettings {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  readonly region: string;
  /** Days each checkpoint stays under COMPLIANCE retention. */
  readonly retentionDays: number;
  /** Limit of each call to the store, in milliseconds. */
  readonly timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? undefined : raw;
}

function required(env: Env, name: string): string {
  const found = value(env, name);
  if (found === undefined) throw new CheckpointSettingsError(name, `is not set; it is required when ${CHECKPOINT_ENV.endpoint} is`);
  return found;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new CheckpointSettingsError(name, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return parsed;
}

/** The store's settings, or undefined when FROSTBYTE_AUDIT_CHECKPOINT_ENDPOINT is unset. */
export function checkpointStoreSettings(env: Env): CheckpointStoreSettings | undefined {
  const endpoint = value(env, CHECKPOINT_ENV.endpoint);
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CheckpointSettingsError(CHECKPOINT_ENV.endpoint, `must be a URL such as https://minio.internal:9000, not ${JSON.stringify(endpoint)}`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username !== "" || url.password !== "" || (url.pathname !== "/" && url.pathname !== "")) {
    throw new CheckpointSettingsError(CHECKPOINT_ENV.endpoint, "must be http(s)://host[:port] with no credentials and no path (the keys have their own variables)");
  }
  const useSSL = url.protocol === "https:";
  return {
    endPoint: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (useSSL ? 443 : 80) : Number(url.port),
    useSSL,
    accessKey: required(env, CHECKPOINT_ENV.accessKey),
    secretKey: required(env, CHECKPOINT_ENV.secretKey),
    bucket: value(env, CHECKPOINT_ENV.bucket) ?? CHECKPOINT_DEFAULTS.bucket,
    region: value(env, CHECKPOINT_ENV.region) ?? CHECKPOINT_DEFAULTS.region,
    retentionDays: integer(env, CHECKPOINT_ENV.retentionDays, CHECKPOINT_DEFAULTS.retentionDays, 1, 36_500),
    timeoutMs: integer(env, CHECKPOINT_ENV.timeoutMs, CHECKPOINT_DEFAULTS.timeoutMs, 100, 600_000),
  };
}

/** The signing key file; a clear error when unset. */
export function signingKeyFile(env: Env): string {
  const path = value(env, CHECKPOINT_ENV.signingKeyFile);
  if (path === undefined) {
    throw new CheckpointSettingsError(CHECKPOINT_ENV.signingKeyFile, "is not set; point it at the Ed25519 private key that signs checkpoints (frostbyte audit keygen writes one)");
  }
  return path;
}

/** Where the trusted public keys are: FROSTBYTE_AUDIT_VERIFY_KEY_FILE, else the signing key file. */
export function verifyKeySource(env: Env): { readonly kind: "public" | "signing"; readonly path: string } {
  const publicPath = value(env, CHECKPOINT_ENV.verifyKeyFile);
  if (publicPath !== undefined) return { kind: "public", path: publicPath };
  const signingPath = value(env, CHECKPOINT_ENV.signingKeyFile);
  if (signingPath !== undefined) return { kind: "signing", path: signingPath };
  throw new CheckpointSettingsError(CHECKPOINT_ENV.verifyKeyFile, `is not set (nor ${CHECKPOINT_ENV.signingKeyFile}); point it at the PEM public key(s) that checkpoints are verified with`);
}
