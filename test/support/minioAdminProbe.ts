import { spawn } from "node:child_process";

/**
 * Calls MinIO's admin API (and STS AssumeRole) through `minio-admin-probe` (scripts/engine/minio-admin-probe, built by
 * scripts/setup-engine.sh and put on PATH by its env.sh): the admin API encrypts request and
 * response bodies with the caller's secret key, so the tests do not hand-write those requests.
 */

export interface MinioKey {
  readonly accessKey: string;
  readonly secretKey: string;
}

/** What MinIO answered: a result, or the error code and message of a refusal. */
export type AdminAnswer<T = unknown> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** The operations the tool offers and the arguments each takes (see its main.go). */
export interface AdminOperations {
  "add-user": { user: string; secretKey: string };
  "set-user-status": { user: string; enabled: boolean };
  "add-policy": { name: string; policy: unknown };
  "attach-policy": { user: string; name: string };
  "add-service-account": { targetUser?: string };
  "list-service-accounts": { user?: string };
  "assume-role": Record<string, never>;
}

/**
 * Runs one operation as `caller` against `endpoint` (host:port, plain HTTP). The credentials go
 * through the child's environment and the arguments (which may hold a secret key) through its
 * stdin, never its command line. A refusal by MinIO is an answer; anything else throws.
 */
export function minioAdmin<K extends keyof AdminOperations>(endpoint: string, caller: MinioKey, operation: K, args: AdminOperations[K]): Promise<AdminAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn("minio-admin-probe", [operation], {
      env: {
        PATH: process.env["PATH"] ?? "",
        MINIO_ADMIN_PROBE_ENDPOINT: endpoint,
        MINIO_ADMIN_PROBE_ACCESS_KEY: caller.accessKey,
        MINIO_ADMIN_PROBE_SECRET_KEY: caller.secretKey,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => reject(new Error(`minio-admin-probe could not start (${error.message}); source the env.sh that scripts/setup-engine.sh prints`)));
    child.on("close", (code) => {
      if (code === 0 || code === 3) {
        try {
          resolve(JSON.parse(stdout) as AdminAnswer);
        } catch {
          reject(new Error(`minio-admin-probe ${operation} exited ${code} without one JSON answer on stdout: ${stdout.slice(0, 500)}`));
        }
        return;
      }
      reject(new Error(`minio-admin-probe ${operation} exited ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(JSON.stringify(args));
  });
}

/** Runs an operation that must succeed, and returns its result. */
export async function minioAdminOk<T = unknown, K extends keyof AdminOperations = keyof AdminOperations>(
  endpoint: string,
  caller: MinioKey,
  operation: K,
  args: AdminOperations[K],
): Promise<T> {
  const answer = await minioAdmin(endpoint, caller, operation, args);
  if (!answer.ok) throw new Error(`minio-admin-probe ${operation} as ${caller.accessKey}: MinIO refused with ${answer.error.code}: ${answer.error.message}`);
  return answer.result as T;
}
