/**
 * Where the tenant stacks live and how their secrets are encrypted, read from the environment:
 * the project directory (the one with Pulumi.yaml), the backend (`PULUMI_BACKEND_URL`, or a file
 * backend under `FROSTBYTE_STATE_DIR`) and the passphrase of the secrets provider.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { operationTimeBounds, WRITE_BACK_RETRY_ENV, type OperationTimeBounds } from "../domain";
import { namesCredential } from "../domain/redaction";
import { StackSettingsError } from "./errors";

export const STATE_DIR_ENV = "FROSTBYTE_STATE_DIR";
export const BACKEND_URL_ENV = "PULUMI_BACKEND_URL";
export const PASSPHRASE_ENV = "PULUMI_CONFIG_PASSPHRASE";

/** How the Automation API reaches the tenant stacks. */
export interface StackSettings {
  /** The project directory: `Pulumi.yaml` and the compiled program (`bin/index.js`) are there. */
  readonly workDir: string;
  /** The backend every tenant stack is stored in (`file://…` by default). */
  readonly backendUrl: string;
  /** The file backend's directory, created when missing; absent for any other backend. */
  readonly stateDir?: string;
  /** The passphrase of the `passphrase` secrets provider; never logged. */
  readonly passphrase: string;
  /**
   * The variables a bucket backend is reached with (`AWS_*`, `AZURE_*`, `GOOGLE_*`: keys, region,
   * profile), passed to every `pulumi` command; those naming a credential are redacted like the passphrase.
   */
  readonly backendEnv: Readonly<Record<string, string>>;
  /** Each operation's deadline and the cancelled engine's grace (domain/config/operationTimeBounds.ts). */
  readonly timeBounds: OperationTimeBounds;
}

/**
 * The project directory, found by walking up from `from` to the first directory holding a
 * Pulumi.yaml: `stacks/` in the sources and `bin/stacks/` in the build both lead to the root.
 */
export function findProjectDir(from: string = __dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new StackSettingsError(`no Pulumi.yaml in ${from} or any directory above it`);
  }
}

/** Options of {@link stackSettingsFromEnv}. */
export interface StackSettingsOptions {
  /** The project directory (default: the one {@link findProjectDir} finds). */
  readonly workDir?: string;
}

/**
 * Reads the settings from `env`. `PULUMI_BACKEND_URL` selects any backend; without it the stacks
 * go to a file backend under `FROSTBYTE_STATE_DIR` (default `<project>/.pulumi-local/state`).
 * `PULUMI_CONFIG_PASSPHRASE` is required: every stack's secrets are encrypted with it.
 * `FROSTBYTE_OPERATION_DEADLINE_SECONDS` and `FROSTBYTE_OPERATION_CANCEL_GRACE_SECONDS` bound each
 * operation (defaults in domain/config/operationTimeBounds.ts).
 */
export function stackSettingsFromEnv(env: Readonly<Record<string, string | undefined>>, options: StackSettingsOptions = {}): StackSettings {
  const workDir = resolve(options.workDir ?? findProjectDir());
  if (!existsSync(join(workDir, "Pulumi.yaml"))) throw new StackSettingsError(`${workDir} has no Pulumi.yaml; the tenant stacks run the project's program`);

  const passphrase = env[PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase === "") {
    throw new StackSettingsError(
      `${PASSPHRASE_ENV} is not set; the tenant stacks encrypt their secrets with it (passphrase secrets provider). Set it, and keep it: no stack can be read without it`,
    );
  }

  const timeBounds = operationTimeBounds(env);
  if ("problem" in timeBounds) throw new StackSettingsError(timeBounds.problem);

  const backendEnv = bucketBackendEnv(env);
  const backendUrl = env[BACKEND_URL_ENV]?.trim();
  if (backendUrl) {
    const problem = backendUrlProblem(backendUrl);
    if (problem) throw new StackSettingsError(`${BACKEND_URL_ENV}: ${problem}`);
    return { workDir, backendUrl, passphrase, backendEnv, timeBounds };
  }

  const stateDir = resolve(env[STATE_DIR_ENV]?.trim() || join(workDir, ".pulumi-local", "state"));
  return { workDir, backendUrl: `file://${stateDir}`, stateDir, passphrase, backendEnv, timeBounds };
}

/** Prefixes of the variables the CLI reads a bucket backend's settings and credentials from: S3 (and MinIO), Azure, Google Cloud. */
const BUCKET_BACKEND_PREFIXES = ["AWS_", "AZURE_", "GOOGLE_"];

function bucketBackendEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => BUCKET_BACKEND_PREFIXES.some((prefix) => entry[0].startsWith(prefix)) && entry[1] !== undefined && entry[1] !== ""),
  );
}

/** The bucket backend's credentials among `settings.backendEnv` (`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AZURE_STORAGE_KEY`, `GOOGLE_CREDENTIALS`, …). */
export function backendCredentials(settings: Pick<StackSettings, "backendEnv">): string[] {
  return Object.entries(settings.backendEnv)
    .filter(([name]) => namesCredential(name))
    .map(([, value]) => value);
}

/** Creates the file backend's directory when the settings use one. */
export function ensureStateDir(settings: StackSettings): void {
  if (settings.stateDir !== undefined) mkdirSync(settings.stateDir, { recursive: true });
}

/** The variables every `pulumi` command of the Automation API runs with. */
export function pulumiEnv(settings: StackSettings): Record<string, string> {
  return {
    ...settings.backendEnv,
    [BACKEND_URL_ENV]: settings.backendUrl,
    [PASSPHRASE_ENV]: settings.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The stack's write-back retries a control plane that does not answer until the engine's deadline.
    [WRITE_BACK_RETRY_ENV]: String(settings.timeBounds.deadlineSeconds),
  };
}

/** Backends the tenant stacks take: Pulumi's DIY backends (file, PostgreSQL, S3-compatible and the other clouds' buckets). */
const BACKEND_SCHEMES = new Set(["file:", "postgres:", "s3:", "gs:", "azblob:"]);

/**
 * Why `url` is not a backend the stacks can use, or undefined. A `postgresql://` URL is refused by
 * name: the CLI would take it for a Pulumi Cloud URL and ask for an access token.
 */
export function backendUrlProblem(url: string): string | undefined {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    return "is not a URL (expected file:///dir, postgres://user@host/db or s3://bucket)";
  }
  if (scheme === "postgresql:") return "Pulumi's PostgreSQL backend is addressed as postgres://…, not postgresql://…";
  if (!BACKEND_SCHEMES.has(scheme)) {
    return `has scheme ${JSON.stringify(scheme.replace(/:$/, ""))}; the tenant stacks use a self-managed backend: file://, postgres://, s3://, gs:// or azblob://`;
  }
  return undefined;
}
