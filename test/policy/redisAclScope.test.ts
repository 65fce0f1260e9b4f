import { describe, expect, it } from "vitest";
import { tenantNames } from "../../domain";
import { FORBIDDEN_REDIS_RULES, REQUIRED_REDIS_DENIALS, redisAclRules } from "../../components/redis/aclRules";
import { redisAclOwnKeysOnly, redisAclProblems } from "../../policy/redisAclScope";
import { RESOURCE_TYPES } from "../../policy/resourceTypes";
import { assertHasResourceViolation, assertNoResourceViolations, secret } from "./harness";

const policy = redisAclOwnKeysOnly;

function aclUser(username: string, rules: readonly string[]) {
  return { type: RESOURCE_TYPES.redisAclUser, name: `${username}-acl`, props: { username, rules, password: secret("pw"), providerVersion: "1" } };
}

const acme = tenantNames("acme");

describe("policy 5: redis-acl-own-keys-only", () => {
  it("passes the rules the program renders, enabled or suspended, for ids with and without dashes", async () => {
    for (const id of ["acme", "globex-eu"]) {
      const names = tenantNames(id);
      await assertNoResourceViolations(policy, aclUser(names.redis.user, redisAclRules(names, true)));
      await assertNoResourceViolations(policy, aclUser(names.redis.user, redisAclRules(names, false)));
    }
  });

  for (const rule of [...FORBIDDEN_REDIS_RULES, "nopass", "ALLKEYS", "+@ADMIN"]) {
    it(`refuses ${rule}, naming the user and the rule`, async () => {
      await assertHasResourceViolation(policy, aclUser(acme.redis.user, [...redisAclRules(acme, true), rule]), {
        message: ['dynamic RedisAclUser "tenant-acme-acl"', `rule ${JSON.stringify(rule)} is forbidden`, "DESIGN §2"],
      });
    });
  }

  it("refuses another tenant's key or channel pattern", async () => {
    const globex = tenantNames("globex-eu");
    await assertHasResourceViolation(policy, aclUser(acme.redis.user, ["reset", "on", globex.redis.keyPattern]), {
      message: 'key pattern "~tenant:globex-eu:*" is not the user\'s own ~tenant:acme:*',
    });
    await assertHasResourceViolation(policy, aclUser(acme.redis.user, ["reset", "on", "%R~tenant:*"]), { message: 'key pattern "%R~tenant:*"' });
    await assertHasResourceViolation(policy, aclUser(acme.redis.user, ["reset", "on", globex.redis.channelPattern]), {
      message: 'channel pattern "&tenant:globex-eu:*" is not the user\'s own &tenant:acme:*',
    });
  });

  it("accepts the own pattern with Redis 7 read/write permissions", () => {
    expect(redisAclProblems("tenant-acme", ["reset", "%RW~tenant:acme:*", ...REQUIRED_REDIS_DENIALS])).toEqual([]);
  });

  it("refuses a rules list without each denial of the allowlist, naming the missing one", () => {
    for (const denial of REQUIRED_REDIS_DENIALS) {
      const rules = redisAclRules(acme, true).filter((rule) => rule !== denial);
      expect(redisAclProblems("tenant-acme", rules)).toEqual([expect.stringContaining(`rules lack ${denial}, which the allowlist requires`)]);
    }
  });

  it("refuses a grant outside the allowlist, and a grant placed after the denials (it would bring them back)", () => {
    for (const grant of ["+client|tracking", "+pubsub", "+scan", "+@keyspace", "+@scripting"]) {
      expect(redisAclProblems("tenant-acme", [...redisAclRules(acme, true), grant])).toEqual(expect.arrayContaining([expect.stringContaining(`rule ${JSON.stringify(grant)} grants beyond the allowlist`)]));
    }
    const rules = redisAclRules(acme, true);
    const reordered = [...rules.filter((rule) => rule !== "+@pubsub"), "+@pubsub"];
    expect(redisAclProblems("tenant-acme", reordered)).toEqual(expect.arrayContaining([expect.stringContaining('-pubsub comes before the grant "+@pubsub"')]));
  });

  it("refuses selectors, which carry patterns of their own", async () => {
    await assertHasResourceViolation(policy, aclUser(acme.redis.user, ["reset", "(~* +@all)"]), { message: "is a selector" });
  });

  it("requires keys and channels to be reset first", () => {
    expect(redisAclProblems("tenant-acme", ["on", acme.redis.keyPattern, ...REQUIRED_REDIS_DENIALS])).toEqual([
      expect.stringContaining("rules lack resetkeys"),
      expect.stringContaining("rules lack resetchannels"),
    ]);
    expect(redisAclProblems("tenant-acme", ["resetkeys", "resetchannels", acme.redis.keyPattern, ...REQUIRED_REDIS_DENIALS])).toEqual([]);
  });

  it("refuses a username that is no tenant's", async () => {
    await assertHasResourceViolation(policy, aclUser("default", ["reset", "~tenant:acme:*"]), { message: 'username "default" is not tenant-{id} of a valid tenant id' });
  });
});
