/**
 * The Ed25519 keys of audit checkpoints. The private key lives in a file only the checkpoint job
 * reads (never in the database, never on a command line); verifiers hold only public keys, several
 * at once while a key is being replaced (each checkpoint names its key by id).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { access, readFile, stat, writeFile } from "node:fs/promises";
import { CheckpointKeyError } from "./errors";

/** A loaded signing key with its public half and id. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

/** `ed25519:` and the first 32 hex digits of the SHA-256 of the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return `ed25519:${createHash("sha256").update(der).digest("hex").slice(0, 32)}`;
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new CheckpointKeyError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Loads the private key; refuses a file others may read, and any key that is not Ed25519. */
export async function loadSigningKey(path: string): Promise<SigningKey> {
  const text = await readKeyFile(path);
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new CheckpointKeyError(path, `is readable or writable by group or others (mode ${mode.toString(8).padStart(4, "0")}); chmod 600 it`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(text);
  } catch {
    throw new CheckpointKeyError(path, "holds no PEM private key (expected PKCS#8 Ed25519, as `frostbyte audit keygen` or `openssl genpkey -algorithm ed25519` writes)");
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new CheckpointKeyError(path, `holds a ${privateKey.asymmetricKeyType ?? "unknown"} key; checkpoints are signed with Ed25519`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

const PEM_PUBLIC_KEY = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** Loads every PEM public key of the file (one per key still trusted), by key id. */
export async function loadVerifyKeys(path: string): Promise<Map<string, KeyObject>> {
  const text = await readKeyFile(path);
  const keys = new Map<string, KeyObject>();
  for (const [pem] of text.matchAll(PEM_PUBLIC_KEY)) {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519") throw new CheckpointKeyError(path, `holds a ${key.asymmetricKeyType ?? "unknown"} public key; checkpoints are verified with Ed25519`);
    keys.set(keyIdOf(key), key);
  }
  if (keys.size === 0) throw new CheckpointKeyError(path, "holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
  return keys;
}

/**
 * Writes a new key pair: the private key with mode 0600, the public key with 0644. Refuses to
 * replace an existing file (a lost signing key cannot be recovered, an overwritten one neither).
 */
export async function writeNewKeyPair(privateKeyPath: string, publicKeyPath: string): Promise<string> {
  for (const path of [privateKeyPath, publicKeyPath]) {
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new CheckpointKeyError(path, "exists already; keygen never replaces a key");
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const write = async (path: string, text: string, mode: number) => {
    try {
      await writeFile(path, text, { flag: "wx", mode });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CheckpointKeyError(path, code === "EEXIST" ? "exists already; keygen never replaces a key" : `cannot be written (${code ?? String(error)})`);
    }
  };
  await write(privateKeyPath, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), 0o600);
  await write(publicKeyPath, publicKey.export({ type: "spki", format: "pem" }).toString(), 0o644);
  return keyIdOf(publicKey);
}
