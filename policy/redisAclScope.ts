import type { ResourceValidationPolicy } from "@pulumi/policy";
import { tenantNames } from "../domain";
import { FORBIDDEN_REDIS_RULES, GRANTED_CATEGORIES, REQUIRED_REDIS_DENIALS } from "../components/redis/aclRules";
import { checkResources, listOf, stringOf } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";
import { nameTemplate, tenantIdOfName } from "./tenantOfName";

const USER_NAME = nameTemplate((names) => names.redis.user);
const KEY_PATTERN = nameTemplate((names) => names.redis.keyPattern);
const CHANNEL_PATTERN = nameTemplate((names) => names.redis.channelPattern);
const RULE = `a tenant's Redis user ${USER_NAME} has resetkeys and resetchannels, only the patterns ${KEY_PATTERN} and ${CHANNEL_PATTERN}, a password, grants only ${GRANTED_CATEGORIES.map((entry) => entry.rule).join(" ")} followed by the denials ${REQUIRED_REDIS_DENIALS.join(" ")}, and never ${FORBIDDEN_REDIS_RULES.join(", ")} (DESIGN §2, components/redis/aclRules.ts)`;

const GRANTS: ReadonlySet<string> = new Set(GRANTED_CATEGORIES.map((entry) => entry.rule.toLowerCase()));

/** Redis reads ACL keywords and category names without regard to case. */
const FORBIDDEN: ReadonlySet<string> = new Set([...FORBIDDEN_REDIS_RULES, "nopass"].map((rule) => rule.toLowerCase()));

/** The key pattern of a key rule: `~pattern`, or `%R~pattern` / `%W~pattern` / `%RW~pattern` (Redis 7). */
function keyPatternOf(rule: string): string | undefined {
  if (rule.startsWith("~")) return rule.slice(1);
  const match = /^%[rw]*~(.*)$/i.exec(rule);
  return match ? match[1] : undefined;
}

/**
 * The problems of a Redis ACL user: its tenant comes from its username (`tenant-{id}`); its rules
 * must not grant the whole keyspace, all channels, all commands, `@admin`/`@dangerous` or a
 * password-less login, may name only that tenant's key and channel patterns (no selectors, which
 * carry patterns of their own), and must reset keys and channels first so no older pattern stays.
 */
export function redisAclProblems(username: unknown, rules: unknown): string[] {
  const problems: string[] = [];
  const user = stringOf(username);
  const tenantId = user === undefined ? undefined : tenantIdOfName(user, (names) => names.redis.user);
  if (tenantId === undefined) problems.push(`username ${JSON.stringify(username)} is not ${USER_NAME} of a valid tenant id, so its own patterns are unknown; ${RULE}`);
  const own = tenantId === undefined ? undefined : tenantNames(tenantId).redis;
  const list = (listOf(rules) ?? []).map((rule) => (typeof rule === "string" ? rule.trim() : JSON.stringify(rule)));
  for (const rule of list) {
    const lower = rule.toLowerCase();
    const key = keyPatternOf(rule);
    if (FORBIDDEN.has(lower)) {
      problems.push(`rule ${JSON.stringify(rule)} is forbidden`);
    } else if (rule.startsWith("+") && !GRANTS.has(lower)) {
      problems.push(`rule ${JSON.stringify(rule)} grants beyond the allowlist`);
    } else if (rule.startsWith("(")) {
      problems.push(`rule ${JSON.stringify(rule)} is a selector, whose own key and channel patterns escape the user's`);
    } else if (key !== undefined && own !== undefined && key !== own.keyPattern.slice(1)) {
      problems.push(`key pattern ${JSON.stringify(rule)} is not the user's own ${own.keyPattern}`);
    } else if (rule.startsWith("&") && own !== undefined && rule !== own.channelPattern) {
      problems.push(`channel pattern ${JSON.stringify(rule)} is not the user's own ${own.channelPattern}`);
    }
  }
  const lowered = new Set(list.map((rule) => rule.toLowerCase()));
  // A grant after a denial would bring the denied command back, so every denial must follow the last grant.
  const lastGrant = list.map((rule) => rule.startsWith("+")).lastIndexOf(true);
  for (const denial of REQUIRED_REDIS_DENIALS) {
    const at = list.map((rule) => rule.toLowerCase()).lastIndexOf(denial);
    if (at === -1) problems.push(`rules lack ${denial}, which the allowlist requires`);
    else if (at < lastGrant) problems.push(`${denial} comes before the grant ${JSON.stringify(list[lastGrant])}, which brings it back`);
  }
  if (!lowered.has("reset") && !lowered.has("resetkeys")) problems.push("rules lack resetkeys (or reset), so key patterns the user had before would stay");
  if (!lowered.has("reset") && !lowered.has("resetchannels")) problems.push("rules lack resetchannels (or reset), so channel patterns the user had before would stay");
  return problems.map((problem) => (problem.endsWith(RULE) ? problem : `${problem}; ${RULE}`));
}

/** Policy 5: a tenant's Redis ACL user reaches only its own keys and channels, with no admin or dangerous commands. */
export const redisAclOwnKeysOnly: ResourceValidationPolicy = {
  name: "redis-acl-own-keys-only",
  description:
    "A Redis ACL user tenant-{id} has no ~*, allkeys, &*, allchannels, +@all, allcommands, +@admin, +@dangerous or nopass rule, key/channel patterns only ~tenant:{id}:* / &tenant:{id}:*, and only the allowlist's grants, each followed by its denials (no key tracking, no channel listings, no key scans).",
  enforcementLevel: "mandatory",
  validateResource: checkResources({ [RESOURCE_TYPES.redisAclUser]: (props) => redisAclProblems(props["username"], props["rules"]) }),
};
