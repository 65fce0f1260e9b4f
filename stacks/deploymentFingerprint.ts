/**
 * The deployment fingerprint of a tenant's stack (pure): what decides what `up` would do to it
 * besides the stack's own state. sha256 of the canonical JSON (keys sorted at every depth) of the
 * tenant's desired state (config, suspended, rotation), the base config and the program build id.
 * Secret base-config keys (SECRET_CONFIG_KEYS) enter only as the sha256 of their value, so nothing
 * a fingerprint is built from has to be kept in the clear. Two equal fingerprints mean the same
 * stack config and the same program: an `up` after one that succeeded has nothing new to apply.
 */
import { createHash } from "node:crypto";
import { INITIAL_ROTATION, SECRET_CONFIG_KEYS } from "../domain";
import type { BaseConfig } from "./baseConfig";
import type { TenantDesiredState } from "./tenantStackConfig";

/** Bumped when what goes into a fingerprint changes: every stored one stops matching. */
const FINGERPRINT_FORMAT = "frostbyte-deployment-v1";

/** What a fingerprint is made of. */
export interface FingerprintInputs {
  readonly desired: TenantDesiredState;
  readonly base: BaseConfig;
  /** The program build id (programBuild.ts). */
  readonly programBuild: string;
}

type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

/** A JSON value with every object's keys sorted; undefined members are dropped, as JSON.stringify does. */
function canonical(value: unknown): Canonical {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, member]) => member !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, member]) => [key, canonical(member)]));
  }
  throw new TypeError(`deployment fingerprint: ${typeof value} is not a JSON value`);
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** A raw base-config value as the program reads it: objects and lists (stored as JSON text) by content, so their key order does not count. */
function configValue(raw: string): Canonical {
  if (raw.startsWith("{") || raw.startsWith("[")) {
    try {
      return canonical(JSON.parse(raw));
    } catch {
      return raw;
    }
  }
  return raw;
}

/** The base config as fingerprinted: every key, secret ones as the hash of their (canonical) value. */
function baseConfigPart(base: BaseConfig): Canonical {
  const secret = new Set(SECRET_CONFIG_KEYS);
  return Object.fromEntries(
    Object.entries(base.values).map(([key, raw]) => {
      const value = configValue(raw);
      return [key, secret.has(key) ? { sha256: sha256(JSON.stringify(value)) } : value];
    }),
  );
}

/** The canonical JSON text a fingerprint hashes (secret base-config values only as their hash). */
export function fingerprintDocument(inputs: FingerprintInputs): string {
  const { desired } = inputs;
  return JSON.stringify(
    canonical({
      format: FINGERPRINT_FORMAT,
      desired: { config: desired.config, suspended: desired.suspended, rotation: desired.rotation ?? INITIAL_ROTATION },
      base: baseConfigPart(inputs.base),
      programBuild: inputs.programBuild,
    }),
  );
}

/** The fingerprint: sha256 of {@link fingerprintDocument}, 64 lower-case hex characters. */
export function deploymentFingerprint(inputs: FingerprintInputs): string {
  return sha256(fingerprintDocument(inputs));
}
