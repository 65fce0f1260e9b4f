import type { ResourceValidationPolicy } from "@pulumi/policy";
import { bucketArn, DERIVED_CREDENTIALS_CONDITION, EVERY_S3_RESOURCE, SELF_SERVICE_ADMIN_ACTIONS } from "../components/minio/bucketPolicy";
import { tenantNames } from "../domain";
import { checkResources, listOf, stringOf } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";
import { nameTemplate, tenantIdOfName } from "./tenantOfName";

const POLICY_NAME = nameTemplate((names) => names.minio.policy);
const BUCKET_NAME = nameTemplate((names) => names.minio.bucket);
const RULE = `a tenant policy ${POLICY_NAME} grants only ${bucketArn(BUCKET_NAME)} and ${bucketArn(BUCKET_NAME)}/*, never "*", s3:* or admin: actions, and never to any principal (DESIGN §2)`;
const DERIVED = `Condition ${JSON.stringify(DERIVED_CREDENTIALS_CONDITION)}`;
const DENY_RULE = `a tenant policy ${POLICY_NAME} must deny ${SELF_SERVICE_ADMIN_ACTIONS.join(", ")} with no Condition (e.g. admin:*), since MinIO lets a user mint service accounts and set its own secret key unless a policy denies it, and must deny s3:* on ${EVERY_S3_RESOURCE} under ${DERIVED}, so that STS and service-account credentials derived from the tenant's user, which outlive a rotation, can do nothing`;

/** Actions that reach far beyond one bucket's objects, compared lower-case. */
function actionProblem(action: string): string | undefined {
  const lower = action.trim().toLowerCase();
  if (lower === "*" || lower === "s3:*") return `action ${JSON.stringify(action)} grants every S3 action`;
  if (lower.startsWith("admin:")) return `action ${JSON.stringify(action)} is a MinIO admin action`;
  return undefined;
}

/** True when a statement's Principal names everyone: "*", or "*" under any key such as AWS. */
function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (Array.isArray(principal)) return principal.some(isWildcardPrincipal);
  if (typeof principal === "object" && principal !== null) return Object.values(principal).some(isWildcardPrincipal);
  return false;
}

function statementProblems(statement: unknown, index: number, allowed: ReadonlySet<string> | undefined): string[] {
  const where = `statement ${index}`;
  if (typeof statement !== "object" || statement === null) return [`${where} is not an object`];
  const st = statement as Record<string, unknown>;
  // Only Deny statements take nothing away; anything else is read as an Allow.
  if (st["Effect"] === "Deny") return [];
  const problems: string[] = [];
  for (const key of ["NotAction", "NotResource", "NotPrincipal"]) {
    if (st[key] !== undefined) problems.push(`${where} allows with ${key}, which grants everything it does not list`);
  }
  if (isWildcardPrincipal(st["Principal"])) problems.push(`${where} allows any principal ("*") without being a Deny`);
  for (const action of listOf(st["Action"]) ?? []) {
    const problem = typeof action === "string" ? actionProblem(action) : `action ${JSON.stringify(action)} is not a string`;
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
  }
  const resources = listOf(st["Resource"]) ?? [];
  if (resources.length === 0 && st["NotResource"] === undefined) problems.push(`${where} allows without naming a Resource`);
  for (const resource of resources) {
    if (resource === "*" || resource === "arn:aws:s3:::*") {
      problems.push(`${where}: resource ${JSON.stringify(resource)} reaches every bucket`);
    } else if (typeof resource !== "string") {
      problems.push(`${where}: resource ${JSON.stringify(resource)} is not a string`);
    } else if (allowed !== undefined && !allowed.has(resource)) {
      problems.push(`${where}: resource ${JSON.stringify(resource)} is outside its tenant's bucket (${[...allowed].join(", ")})`);
    }
  }
  return problems;
}

/** MinIO's wildcard match (minio/pkg wildcard.Match): "*" is any run of characters, "?" any one. */
function wildcardMatches(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(text);
}

/**
 * True when one of the patterns matches `value`; a value that ends in "*" stands for every name with
 * that prefix, which only a pattern "<prefix of it>*" with no other wildcard covers for sure.
 */
function covers(patterns: readonly unknown[] | undefined, value: string): boolean {
  const everyWith = value.endsWith("*") ? value.slice(0, -1) : undefined;
  return (patterns ?? []).some((pattern) => {
    if (typeof pattern !== "string") return false;
    if (everyWith === undefined) return wildcardMatches(pattern, value);
    const stem = pattern.slice(0, -1);
    return pattern.endsWith("*") && !/[*?]/.test(stem) && everyWith.startsWith(stem);
  });
}

/** A condition as a canonical string: operators and keys sorted, every value a list. */
function canonicalCondition(condition: unknown): string | undefined {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) return undefined;
  const operators = Object.entries(condition as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(
    operators.map(([operator, keys]) => [
      operator,
      typeof keys === "object" && keys !== null ? Object.entries(keys).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => [key, listOf(value)]) : keys,
    ]),
  );
}

/** The Deny statements that take effect as written: no NotAction/NotResource/NotPrincipal, which would narrow them unpredictably. */
function plainDenials(statements: readonly unknown[]): Record<string, unknown>[] {
  const isPlainDeny = (st: unknown): st is Record<string, unknown> => {
    if (typeof st !== "object" || st === null) return false;
    const fields = st as Record<string, unknown>;
    return fields["Effect"] === "Deny" && ["NotAction", "NotResource", "NotPrincipal"].every((key) => fields[key] === undefined);
  };
  return statements.filter(isPlainDeny);
}

/** What the policy fails to deny of `tenantDenyStatements` (components/minio/bucketPolicy.ts). */
function missingDenials(statements: readonly unknown[]): string[] {
  const denials = plainDenials(statements);
  const problems: string[] = [];
  const unconditional = denials.filter((st) => st["Condition"] === undefined);
  const undenied = SELF_SERVICE_ADMIN_ACTIONS.filter((action) => !unconditional.some((st) => covers(listOf(st["Action"]), action)));
  if (undenied.length > 0) problems.push(`no Deny statement without a Condition covers ${undenied.join(", ")}`);
  const derived = canonicalCondition(DERIVED_CREDENTIALS_CONDITION);
  const derivedDenied = denials.some(
    (st) =>
      covers(listOf(st["Action"]), "s3:*") &&
      covers(listOf(st["Resource"]), EVERY_S3_RESOURCE) &&
      (st["Condition"] === undefined || canonicalCondition(st["Condition"]) === derived),
  );
  if (!derivedDenied) problems.push(`no Deny statement covers s3:* on ${EVERY_S3_RESOURCE} for derived credentials (no Condition, or ${DERIVED})`);
  return problems.map((problem) => `${problem}; ${DENY_RULE}`);
}

/**
 * The problems of a MinIO IAM policy: its tenant comes from its name (`tenant-{id}-rw`); every
 * statement that allows must name only that tenant's bucket and its objects, with no wildcard
 * resource, no `s3:*`/`*`/`admin:` action and no wildcard principal; and the policy must carry the
 * denials that keep credentials minted from the tenant's user from outliving a rotation or a
 * suspension. A name that is no tenant's is itself a problem; the statements are then still checked.
 */
export function minioPolicyProblems(name: unknown, document: unknown): string[] {
  const problems: string[] = [];
  const policyName = stringOf(name);
  const tenantId = policyName === undefined ? undefined : tenantIdOfName(policyName, (names) => names.minio.policy);
  let allowed: ReadonlySet<string> | undefined;
  if (tenantId === undefined) {
    problems.push(`name ${JSON.stringify(name)} is not ${POLICY_NAME} of a valid tenant id, so the bucket it may reach is unknown; ${RULE}`);
  } else {
    const bucket = tenantNames(tenantId).minio.bucket;
    allowed = new Set([bucketArn(bucket), `${bucketArn(bucket)}/*`]);
  }
  let parsed: unknown;
  try {
    parsed = typeof document === "string" ? JSON.parse(document) : document;
  } catch (error) {
    return [...problems, `policy is not valid JSON (${(error as Error).message}); ${RULE}`];
  }
  if (typeof parsed !== "object" || parsed === null) return [...problems, `policy is not a JSON object; ${RULE}`];
  const statements = listOf((parsed as Record<string, unknown>)["Statement"]) ?? [];
  statements.forEach((statement, index) => {
    for (const problem of statementProblems(statement, index, allowed)) problems.push(`${problem}; ${RULE}`);
  });
  return [...problems, ...missingDenials(statements)];
}

/** Policy 3: a tenant's MinIO policy reaches only that tenant's bucket, and its user mints no credential that outlives it. */
export const minioPolicyOwnBucketOnly: ResourceValidationPolicy = {
  name: "minio-policy-own-bucket-only",
  description:
    "A MinIO IAM policy tenant-{id}-rw grants only arn:aws:s3:::tenant-{id} and arn:aws:s3:::tenant-{id}/*, with no wildcard resource, s3:*/admin:* action or wildcard principal, and denies the admin API (service accounts, the user's own secret key) and every S3 action to credentials derived from the user (aws:principaltype AssumedRole).",
  enforcementLevel: "mandatory",
  validateResource: checkResources({ [RESOURCE_TYPES.minioPolicy]: (props) => minioPolicyProblems(props["name"], props["policy"]) }),
};
