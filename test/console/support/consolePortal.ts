/**
 * `frostbyte portal` as an operator runs it (the built CLI, its own process) on the end-to-end
 * suite's local environment: real PostgreSQL, Redis and MinIO, the Hetzner Cloud and Qdrant API test
 * doubles, and the real engine. The console is served from the build's bin/console/assets.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createToken } from "../../../controlplane";
import { localStackConfig, startLocalEnvironment, type LocalEnvironment } from "../../e2e/support/localEnvironment";
import { PROJECT_ROOT } from "../../e2e/support/localStack";
import { startPortal } from "../../e2e/support/portalProcess";

const PASSPHRASE = "frostbyte-console-e2e";

export interface ConsolePortal {
  readonly env: LocalEnvironment;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly adminToken: string;
  /** The portal's stdout and stderr so far (shown when a test fails). */
  output(): string;
  /** Stops the portal, the stores and removes the stacks' files; `tenantIds` are the stacks the test made. */
  close(tenantIds: readonly string[]): Promise<void>;
}

export async function startConsolePortal(): Promise<ConsolePortal> {
  const assets = join(PROJECT_ROOT, "bin/console/assets/app.js");
  if (!existsSync(assets)) throw new Error(`${assets} is missing: run npm run build before the console's browser tests`);
  const env = await startLocalEnvironment();
  const dir = await mkdtemp(join(tmpdir(), "frostbyte-console-e2e-"));
  try {
    const { values } = localStackConfig(env, []);
    delete values["frostbyte:tenants"];
    const baseConfigFile = join(dir, "base.yaml");
    await writeFile(baseConfigFile, stringify(values), { mode: 0o600 });
    const adminToken = (await createToken(env.controlPlane.pool, { kind: "admin" })).token;
    const running = await startPortal(baseConfigFile, { ...process.env, FROSTBYTE_CONTROL_DB_URL: env.controlPlane.runtimeUrl, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, FROSTBYTE_STATE_DIR: join(dir, "state") });
    return {
      env,
      url: running.url,
      adminToken,
      output: running.output,
      async close(tenantIds) {
        await running.stop();
        await env.stop();
        for (const id of tenantIds) await rm(join(PROJECT_ROOT, `Pulumi.tenant-${id}.yaml`), { force: true });
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await env.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
