/**
 * A base config for tenant stacks in tests: the sample stack config without its tenants, every
 * store and the Hetzner API at a closed loopback port. An `up` therefore always fails, for the same
 * reason whether or not this machine has every provider plugin: a store refuses the connection
 * (a Node.js client says "fetch failed"), or, without the plugin, the engine cannot load the provider.
 */
import { baseConfigFromValues, type BaseConfig } from "../../../stacks";
import { sampleStackConfig } from "../../support/sampleStackConfig";

/** Nothing listens there. */
export const CLOSED = "127.0.0.1:1";

/** What a failed `up` against {@link testBaseConfig} reports. */
export const STORES_UNREACHABLE = /connection refused|ECONNREFUSED|fetch failed|no resource plugin 'pulumi-resource-/i;

/** Every §8 key but `frostbyte:tenants`; the control plane is `controlPlaneDbUrl` (default: closed too). */
export function testBaseConfig(controlPlaneDbUrl = `postgres://frostbyte:test-only@${CLOSED}/frostbyte`): BaseConfig {
  const values = sampleStackConfig({
    "frostbyte:controlPlaneDbUrl": controlPlaneDbUrl,
    "frostbyte:qdrant": { url: `http://${CLOSED}`, apiKey: "test-qdrant-admin-key" },
    "frostbyte:redis": { url: `redis://${CLOSED}`, adminUser: "default", adminPassword: "test-redis-admin" },
    "hcloud:endpoint": `http://${CLOSED}/v1`,
    "minio:minioServer": CLOSED,
    "postgresql:port": "1",
  });
  delete values["frostbyte:tenants"];
  return baseConfigFromValues(values);
}

/** The passphrase every test stack is encrypted with. */
export const TEST_PASSPHRASE = "frostbyte-stacks-test-only";
