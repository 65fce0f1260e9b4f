/**
 * A store that echoes the tenant's own credential in its refusal: Qdrant sits behind a
 * credential-echoing proxy (a test double, test/doubles/credentialEchoProxy.ts) that passes the
 * admin key through and refuses the tenant's token with 403, repeating the token in its answer. The
 * tenant is provisioned over the portal (`frostbyte portal`, a real process) on the real engine and
 * real stores, fails its isolation verification with that answer as evidence, and is retried with
 * `frostbyte fleet up`. The token, and every other credential the tenant's stack holds, must appear
 * nowhere: not in the operation row, its progress events, the server-sent events, the audit
 * details, the portal's log, or the command's output. Run `npm run build` first.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { mintCollectionToken } from "../../components/qdrant/collectionOperations";
import { createToken } from "../../controlplane";
import { tenantNames } from "../../domain";
import { credentialsInDeployment } from "../../stacks/stateSecrets";
import { startCredentialEchoProxy, type CredentialEchoProxy } from "../doubles/credentialEchoProxy";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "./support/localEnvironment";
import { PROJECT_ROOT } from "./support/localStack";
import { frostbyte, portalClient, startPortal, type PortalProcess } from "./support/portalProcess";

const PASSPHRASE = `redaction-e2e-${randomBytes(12).toString("hex")}`;
/** Unique per run: the portal writes `Pulumi.tenant-{id}.yaml` into the project directory. */
const ID = `echo${process.pid}`;

describe("a credential echoed by a store is redacted everywhere (portal, CLI, real engine and stores)", () => {
  let env: LocalEnvironment;
  let qdrant: CredentialEchoProxy;
  let dir: string;
  let portal: PortalProcess;
  let client: ReturnType<typeof portalClient>;
  let baseConfigFile: string;
  let childEnv: NodeJS.ProcessEnv;
  /** Every text that left an operation, by where it was found. */
  const sinks: Record<string, string> = {};

  /** Every credential the tenant's stack holds (its state, decrypted through stdout). */
  async function stateCredentials(): Promise<string[]> {
    const workspace = await LocalWorkspace.create({ workDir: PROJECT_ROOT, envVars: { PULUMI_BACKEND_URL: `file://${join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE } });
    return credentialsInDeployment((await workspace.exportStack(`tenant-${ID}`)).deployment);
  }

  /** Which credentials occur in which sink: empty when none does. */
  function leaks(credentials: readonly string[]): string[] {
    return Object.entries(sinks).flatMap(([sink, text]) => credentials.filter((credential) => text.includes(credential)).map((credential) => `${sink}: ${credential.slice(0, 12)}…`));
  }

  beforeAll(async () => {
    env = await startLocalEnvironment();
    qdrant = await startCredentialEchoProxy({ target: env.qdrant.url, passes: (credential) => credential === env.qdrantApiKey });
    dir = await mkdtemp(join(tmpdir(), "frostbyte-redaction-e2e-"));
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    values["frostbyte:qdrant"] = { url: qdrant.url, apiKey: env.qdrantApiKey };
    baseConfigFile = join(dir, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    childEnv = { ...process.env, FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(dir, "state") };
    portal = await startPortal(baseConfigFile, childEnv);
    client = portalClient(portal.url, (await createToken(env.controlPlane.pool, { kind: "admin" })).token);
  });

  afterAll(async () => {
    await portal?.stop();
    await qdrant?.close();
    await env?.stop();
    await rm(join(PROJECT_ROOT, `Pulumi.tenant-${ID}.yaml`), { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("provisioning over the portal fails on the echoed token, and says so with the token blanked", async () => {
    const created = await client.call("POST", "/tenants", { id: ID, config: {} });
    expect(created.status, created.text).toBe(202);
    const operationId = (created.json as { operationId: string }).operationId;
    const { raw, end } = await client.stream(operationId);
    sinks["server-sent events"] = raw;
    expect(end.state).toBe("failed");
    expect(end.error).toMatch(/isolation verification failed on qdrant \(own namespace unreachable: own: Forbidden: credential \[redacted\] is not allowed here/);

    // The store really echoed the tenant's own token (minted as the program mints it).
    const token = await mintCollectionToken(env.qdrantApiKey, ID, tenantNames(ID).qdrant.collection, "initial");
    expect(qdrant.echoed()).toEqual([token]);

    sinks["GET /operations/:id"] = (await client.call("GET", `/operations/${operationId}`)).text;
    sinks["operations row"] = JSON.stringify((await env.controlPlane.pool.query("SELECT * FROM operations WHERE operation_id = $1", [operationId])).rows);
    sinks["operation_events rows"] = JSON.stringify((await env.controlPlane.pool.query("SELECT * FROM operation_events WHERE operation_id = $1", [operationId])).rows);
    const events = await env.controlPlane.registry.listEvents(ID);
    const failed = events.filter((event) => event.eventType === "TENANT_PROVISION_FAILED");
    expect(failed.length).toBeGreaterThan(0);
    expect(JSON.stringify(failed.map((event) => event.details))).toContain("[redacted]");
    expect((await env.controlPlane.registry.getTenant(ID)).state).toBe("FAILED");
  });

  it("the retry with frostbyte fleet up fails the same way, its output blanked too", async () => {
    const refusalsBefore = qdrant.refusals();
    const fleet = await frostbyte(["fleet", "up", "--concurrency", "1", "--base-config", baseConfigFile], childEnv);
    expect(fleet.code, fleet.stderr).toBe(1);
    expect(qdrant.refusals()).toBeGreaterThan(refusalsBefore);
    expect(`${fleet.stdout}${fleet.stderr}`).toContain(ID);
    sinks["frostbyte fleet up"] = `${fleet.stdout}\n${fleet.stderr}`;
    const shown = await frostbyte(["tenant", "show", ID], childEnv);
    expect(shown.code, shown.stderr).toBe(0);
    sinks["frostbyte tenant show"] = `${shown.stdout}\n${shown.stderr}`;
  });

  it("no sink holds the echoed token or any other credential of the tenant's stack", async () => {
    sinks["GET /tenants/:id/events"] = (await client.call("GET", `/tenants/${ID}/events`)).text;
    sinks["GET /tenants/:id"] = (await client.call("GET", `/tenants/${ID}`)).text;
    sinks["audit_events rows"] = JSON.stringify((await env.controlPlane.pool.query("SELECT * FROM audit_events WHERE tenant_id = $1", [ID])).rows);
    sinks["portal log"] = portal.output();

    const credentials = await stateCredentials();
    // The operation's own redaction would know the token from the state as well, not only the provider.
    expect(credentials).toEqual(expect.arrayContaining(qdrant.echoed()));
    expect(credentials.length).toBeGreaterThan(qdrant.echoed().length);
    expect(leaks([...qdrant.echoed(), ...credentials])).toEqual([]);
  });
});
