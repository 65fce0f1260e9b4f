import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FROSTBYTE_POLICIES, POLICY_PACK_NAME } from "../../policy/policies";

const POLICY_DIR = resolve(__dirname, "../../policy");

describe("the frostbyte-isolation pack", () => {
  it("has the seven DESIGN §2 policies, uniquely named, all mandatory", () => {
    expect(POLICY_PACK_NAME).toBe("frostbyte-isolation");
    expect(FROSTBYTE_POLICIES.map((p) => p.name)).toEqual([
      "no-world-open-protected-ports",
      "server-behind-firewall-on-private-network",
      "minio-policy-own-bucket-only",
      "postgres-role-least-privilege",
      "redis-acl-own-keys-only",
      "tenant-resources-named-for-tenant",
      "credentials-are-secret",
    ]);
    for (const policy of FROSTBYTE_POLICIES) {
      expect(policy.enforcementLevel, policy.name).toBe("mandatory");
      expect(policy.description.length, policy.name).toBeGreaterThan(20);
    }
  });

  it("runs from the JavaScript that policy/tsconfig.build.json emits", () => {
    const pkg = JSON.parse(readFileSync(join(POLICY_DIR, "package.json"), "utf8")) as { main: string; version: string };
    const tsconfig = JSON.parse(readFileSync(join(POLICY_DIR, "tsconfig.build.json"), "utf8")) as { compilerOptions: { rootDir: string; outDir: string } };
    const emitted = resolve(POLICY_DIR, tsconfig.compilerOptions.outDir, "policy/index.js");
    expect(resolve(POLICY_DIR, pkg.main)).toBe(emitted);
    expect(resolve(POLICY_DIR, tsconfig.compilerOptions.rootDir)).toBe(resolve(POLICY_DIR, ".."));
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    const project = parse(readFileSync(join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: { name: string; options: { typescript: boolean } } };
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: false } });
  });
});
