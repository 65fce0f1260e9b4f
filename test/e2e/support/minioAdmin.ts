/**
 * Read-only calls of MinIO's admin API (what `mc admin user info` / `mc admin policy info` ask),
 * signed with AWS Signature V4 as the root user: whether an IAM user or a canned policy exists. The
 * S3 client cannot tell, and a leftover policy or user is exactly what a destroy must not leave.
 */
import { createHash, createHmac } from "node:crypto";
import type { LocalEnvironment } from "./localEnvironment";

const REGION = "us-east-1";
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** GET on the admin API; the answer's status and body text. */
async function adminGet(env: LocalEnvironment, path: string, query: Record<string, string>): Promise<{ status: number; body: string }> {
  const now = new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((key) => `${rfc3986(key)}=${rfc3986(query[key] ?? "")}`)
    .join("&");
  const headers: Record<string, string> = { host: env.minio.endpoint, "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": amzDate };
  const signed = Object.keys(headers).sort();
  const canonicalRequest = ["GET", path, canonicalQuery, signed.map((h) => `${h}:${headers[h]}\n`).join(""), signed.join(";"), EMPTY_SHA256].join("\n");
  const scope = `${day}/${REGION}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
  const key = ["s3", "aws4_request"].reduce<Buffer>(
    (acc, part) => createHmac("sha256", acc).update(part).digest(),
    createHmac("sha256", createHmac("sha256", `AWS4${env.minio.rootPassword}`).update(day).digest()).update(REGION).digest(),
  );
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const authorization = `AWS4-HMAC-SHA256 Credential=${env.minio.rootUser}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  const response = await fetch(`http://${env.minio.endpoint}${path}?${canonicalQuery}`, { headers: { ...headers, authorization } });
  return { status: response.status, body: await response.text() };
}

/** The IAM user's status (`enabled` / `disabled`), or undefined when MinIO has no such user. */
export async function minioUserStatus(env: LocalEnvironment, user: string): Promise<string | undefined> {
  const { status, body } = await adminGet(env, "/minio/admin/v3/user-info", { accessKey: user });
  if (status === 200) return (JSON.parse(body) as { status?: string }).status ?? "unknown";
  if (/XMinioAdminNoSuchUser/.test(body)) return undefined;
  throw new Error(`MinIO user-info ${user}: HTTP ${status} ${body.slice(0, 200)}`);
}

/** Whether MinIO has the canned policy. */
export async function minioPolicyExists(env: LocalEnvironment, policy: string): Promise<boolean> {
  const { status, body } = await adminGet(env, "/minio/admin/v3/info-canned-policy", { name: policy });
  if (status === 200) return true;
  if (/XMinioAdminNoSuchPolicy/.test(body)) return false;
  throw new Error(`MinIO info-canned-policy ${policy}: HTTP ${status} ${body.slice(0, 200)}`);
}
