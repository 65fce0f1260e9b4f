/**
 * The README's main command, as an operator runs it (the built `bin/local/main.js` that
 * scripts/local.sh ends in): `up` starts the local stores and doubles in a detached supervisor,
 * provisions a tenant on a `local`-style stack and prints its outputs and registry row; `down`
 * destroys it and stops everything.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "./support/localStack";

const run = promisify(execFile);

describe("the local sandbox (scripts/local.sh up|down)", () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  const stackName = `local-e2e-${process.pid}`;

  async function local(...args: string[]): Promise<{ stdout: string; stderr: string }> {
    return run(process.execPath, [join(PROJECT_ROOT, "bin/local/main.js"), ...args], { env, cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 });
  }

  function supervisorPid(): number {
    return (JSON.parse(readFileSync(join(root, "environment.json"), "utf8")) as { supervisorPid: number }).supervisorPid;
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  beforeAll(async () => {
    root = join(await mkdtemp(join(tmpdir(), "frostbyte-local-e2e-")), "sandbox");
    env = { ...process.env, FROSTBYTE_LOCAL_DIR: root, FROSTBYTE_LOCAL_STACK: stackName };
    delete env["PULUMI_CONFIG_PASSPHRASE"];
    delete env["PULUMI_BACKEND_URL"];
  });

  afterAll(async () => {
    if (existsSync(join(root, "environment.json"))) await local("down").catch(() => undefined);
    await rm(dirname(root), { recursive: true, force: true });
  });

  let pid: number;

  it("up provisions the tenant and prints its outputs, registry row and audit chain, never a credential", async () => {
    const { stdout } = await local("up", "--tenant", "sandbox");
    pid = supervisorPid();
    expect(alive(pid)).toBe(true);
    expect(stdout).toContain("Hetzner Cloud API test double");
    expect(stdout).toMatch(/pulumi up succeeded/);
    expect(stdout).toContain('"credentials": "[secret]"');
    expect(stdout).toContain('"database": "tenant_sandbox"');
    expect(stdout).toContain('"state": "ACTIVE"');
    expect(stdout).toMatch(/audit events of sandbox \(chain verified\):\n.*TENANT_CREATED\n.*TENANT_PROVISION_STARTED\n.*TENANT_AGE_KEY_UPDATED\n.*TENANT_ISOLATION_VERIFIED\n.*TENANT_PROVISIONED/);

    // The printed instructions reach the stack; its real credentials appear nowhere in what was printed.
    const backend = /PULUMI_BACKEND_URL=(\S+)/.exec(stdout)?.[1];
    expect(backend).toBe(`file://${join(root, "state")}`);
    const stack = await LocalWorkspace.selectStack(
      { stackName, workDir: PROJECT_ROOT },
      { envVars: { PULUMI_BACKEND_URL: backend ?? "", PULUMI_CONFIG_PASSPHRASE: readFileSync(join(root, "passphrase"), "utf8").trim() } },
    );
    const outputs = await stack.outputs();
    const credentials = (outputs["tenantOutputs"]?.value as Record<string, { credentials: Record<string, Record<string, string>> }>)["sandbox"]?.credentials;
    const secrets = Object.values(credentials ?? {}).flatMap((store) => Object.values(store).filter((value) => value.length >= 20));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(stdout).not.toContain(secret);
  });

  it("up again reuses the running stores and changes nothing", async () => {
    const { stdout } = await local("up", "--tenant", "sandbox");
    expect(stdout).toContain(`local stores already running (supervisor pid ${pid})`);
    expect(stdout).toMatch(/\d+ unchanged/);
    expect(stdout).not.toMatch(/\d+ (created|updated|deleted)/);
  });

  it("down destroys the stack, stops every store and double, and removes the sandbox", async () => {
    const { stdout } = await local("down");
    expect(stdout).toMatch(/- \d+ deleted/);
    expect(stdout).toContain(`stack "${stackName}" removed`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(root)).toBe(false);
    expect(existsSync(join(PROJECT_ROOT, `Pulumi.${stackName}.yaml`))).toBe(false);
    const again = await local("down");
    expect(again.stdout).toContain("no local stores running");
  });
});
