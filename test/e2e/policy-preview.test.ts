/**
 * The policy pack under the real engine: `pulumi preview --policy-pack policy` on a deliberately
 * violating program must fail with the policies' own messages, and on its compliant twin must pass.
 * Local file backend, passphrase secrets, no plugin downloads, and the hcloud provider pointed at
 * the loopback Hetzner API double (which also shows that a preview makes no API call).
 *
 * Needs the engine from scripts/setup-engine.sh (`pulumi`, the Node.js language host, the hcloud
 * provider); without it the suite fails with the command that builds it.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firewallRuleProblems } from "../../policy/firewallPorts";
import { plainCredentialFindings } from "../../policy/credentialsSecret";
import { POLICY_PACK_NAME } from "../../policy/policies";
import { redisAclProblems } from "../../policy/redisAclScope";
import { describeResource, RESOURCE_TYPES } from "../../policy/resourceTypes";
import { startHcloudApiDouble, type HcloudApiDouble } from "../doubles/hcloud/server";
import { ensureEngine } from "../stacks/support/engine";

const ROOT = resolve(__dirname, "../..");
const POLICY_DIR = join(ROOT, "policy");
const FIXTURES = join(ROOT, "test/policy/fixtures");
const HCLOUD_TOKEN = "policy-preview-test-token-".padEnd(64, "x");
const PACK_VERSION = (require(join(POLICY_DIR, "package.json")) as { version: string }).version;

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** Runs `command`; `input`, when given, is its standard input (how a secret reaches `pulumi config set`, never as an argument). */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    // Asynchronous on purpose: the hcloud API double answers from this same process.
    const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(input ?? "");
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output }));
  });
}

describe("pulumi preview --policy-pack policy (real engine)", () => {
  let workDir: string;
  let hcloud: HcloudApiDouble;
  let pulumi: string;

  beforeAll(async () => {
    pulumi = ensureEngine();
    // The pack runs from compiled JavaScript (policy/README.md); build it from the current sources.
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(POLICY_DIR, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
    workDir = mkdtempSync(join(tmpdir(), "frostbyte-policy-preview-"));
    hcloud = await startHcloudApiDouble({ token: HCLOUD_TOKEN });
  });

  afterAll(async () => {
    await hcloud?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Copies a fixture into its own directory (the stack's files stay out of the repository) and previews it with the pack. */
  async function preview(fixture: string, source = join(FIXTURES, fixture)): Promise<Run> {
    const dir = join(workDir, fixture);
    cpSync(source, dir, { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const state = join(workDir, `${fixture}-state`);
    mkdirSync(state);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_CONFIG_PASSPHRASE: "policy-preview-test-only",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    const steps: [string, string[], string?][] = [
      ["stack init", ["stack", "init", "e2e", "--non-interactive"]],
      ["config set hcloud:token", ["config", "set", "--secret", "hcloud:token"], HCLOUD_TOKEN],
      ["config set hcloud:endpoint", ["config", "set", "hcloud:endpoint", hcloud.url]],
    ];
    for (const [what, args, input] of steps) {
      const step = await run(pulumi, args, dir, env, input);
      expect(step.code, `${what} failed:\n${step.output}`).toBe(0);
    }
    return run(pulumi, ["preview", "--non-interactive", "--color", "never", "--policy-pack", POLICY_DIR], dir, env);
  }

  it("fails the violating program with each policy's own message", async () => {
    hcloud.clearRequests();
    const result = await preview("violating");
    const expected = [
      `${describeResource(RESOURCE_TYPES.hcloudFirewall, "fb-acme-fw")}: ${firewallRuleProblems([{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0"] }])[0]}`,
      ...redisAclProblems("tenant-acme", ["reset", "on", "resetkeys", "~*", "resetchannels", "&tenant:acme:*", "+@all"]).map(
        (problem) => `${describeResource(RESOURCE_TYPES.redisAclUser, "acme-redis-acl-user")}: ${problem}`,
      ),
      ...plainCredentialFindings([
        { type: RESOURCE_TYPES.redisAclUser, name: "acme-redis-acl-user", urn: "", marks: { password: "plain" } },
        { type: RESOURCE_TYPES.tenant, name: "acme", urn: "", marks: { credentials: "plain" } },
      ]).map((finding) => finding.message),
    ];
    // One firewall finding, the Redis user's (its forbidden rules and every missing denial), two plain credentials.
    expect(expected.length).toBeGreaterThan(5);
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain(`${POLICY_PACK_NAME}@v${PACK_VERSION}`);
    for (const policy of ["no-world-open-protected-ports", "redis-acl-own-keys-only", "credentials-are-secret"]) {
      expect(result.output).toMatch(new RegExp(`\\[mandatory\\]\\s+${policy}`));
    }
    for (const message of expected) expect(result.output, result.output).toContain(message);
    // The hcloud provider's check and diff for a create make no API call.
    expect(hcloud.requests()).toEqual([]);
  });

  it("refuses the two halves of IPv4 (and 0::/0) on store ports, where comparing strings let them through", async () => {
    const rules = [
      { direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24"], description: "SSH from operator networks" },
      { direction: "in", protocol: "tcp", port: "5432", sourceIps: ["0.0.0.0/1"], description: "first half" },
      { direction: "in", protocol: "tcp", port: "5400-5500", sourceIps: ["128.0.0.0/1"], description: "second half" },
      { direction: "in", protocol: "tcp", port: "9000", sourceIps: ["0::/0"], description: "odd spelling of ::/0" },
    ];
    const source = join(workDir, "halves-src");
    mkdirSync(source);
    writeFileSync(join(source, "Pulumi.yaml"), "name: frostbyte-policy-halves\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
    writeFileSync(join(source, "package.json"), JSON.stringify({ name: "frostbyte-policy-halves", private: true, main: "index.js" }));
    writeFileSync(
      join(source, "index.js"),
      `"use strict";\nconst hcloud = require("@pulumi/hcloud");\nnew hcloud.Firewall("fb-acme-fw", { name: "fb-acme-fw", labels: { "frostbyte.io/tenant": "acme" }, rules: ${JSON.stringify(rules)} });\n`,
    );
    hcloud.clearRequests();
    const result = await preview("halves", source);
    const expected = firewallRuleProblems(rules).map((problem) => `${describeResource(RESOURCE_TYPES.hcloudFirewall, "fb-acme-fw")}: ${problem}`);
    expect(expected).toEqual([
      expect.stringContaining("rule 1 (in tcp 5432 from 0.0.0.0/1) opens PostgreSQL (5432) to 0.0.0.0/1"),
      expect.stringContaining("rule 2 (in tcp 5400-5500 from 128.0.0.0/1) opens PostgreSQL (5432) to 128.0.0.0/1"),
      expect.stringContaining("rule 3 (in tcp 9000 from 0::/0) opens MinIO API (9000) to the whole internet"),
    ]);
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toMatch(/\[mandatory\]\s+no-world-open-protected-ports/);
    for (const message of expected) expect(result.output, result.output).toContain(message);
    expect(hcloud.requests()).toEqual([]);
  });

  it("passes its compliant twin", async () => {
    hcloud.clearRequests();
    const result = await preview("compliant");
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`${POLICY_PACK_NAME}@v${PACK_VERSION}`);
    expect(result.output).not.toContain("[mandatory]");
    expect(result.output).not.toContain("[advisory]");
    expect(hcloud.requests()).toEqual([]);
  });
});
