import { METADATA_COMMANDS_REFUSED } from "../redis/aclRules";
import { boundedCalls, isRedisTimeout, PROBE_CALL_TIMEOUT_MS, redisSocketBounds } from "../timeBounds";
import { refusal, success, type ProbeResult } from "./probeTypes";

/** A refusal that proves the ACL said no (or that the server has no such command at all). */
const ACL_REFUSAL = /NOPERM|unknown (sub)?command/i;

export interface RedisProbeInput {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** e.g. `tenant:acme:` */
  readonly ownPrefix: string;
  readonly foreignPrefix: string;
  /** How long each call may wait for an answer (default {@link PROBE_CALL_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/**
 * Sets, reads and deletes a key under the tenant's prefix, then tries the neighbour's prefix and
 * channel, and every server-wide metadata command (key tracking, channel listings, key scans).
 * Each call is bounded: a server that stops answering ends the probe with a StoreTimeoutError.
 */
export async function probeRedis(input: RedisProbeInput): Promise<ProbeResult> {
  const { createClient } = require("redis") as typeof import("redis");
  const ms = input.timeoutMs ?? PROBE_CALL_TIMEOUT_MS;
  const client = createClient({ url: input.url, username: input.user, password: input.password, socket: { reconnectStrategy: false, ...redisSocketBounds(ms) } });
  client.on("error", () => undefined);
  const bounded = boundedCalls("Redis", ms, { release: () => client.destroy(), isClientTimeout: isRedisTimeout }, "isolation probe");
  const connected = await success(() => bounded(`login as ${input.user}`, () => client.connect()));
  if (!connected.allowed) return { store: "redis", ownAllowed: false, foreignDenied: false, evidence: `cannot log in: ${connected.evidence}` };
  try {
    const key = `${input.ownPrefix}isolation-probe`;
    const own = await success(async () => {
      await bounded(`SET ${key}`, () => client.set(key, "probe", { expiration: { type: "EX", value: 60 } }));
      await bounded(`GET ${key}`, () => client.get(key));
      await bounded(`DEL ${key}`, () => client.del(key));
    });
    const [foreignKey, foreignChannel] = [`${input.foreignPrefix}isolation-probe`, `${input.foreignPrefix}events`];
    const read = await refusal(() => bounded(`GET ${foreignKey}`, () => client.get(foreignKey)));
    const write = await refusal(() => bounded(`SET ${foreignKey}`, () => client.set(foreignKey, "x")));
    const publish = await refusal(() => bounded(`PUBLISH ${foreignChannel}`, () => client.publish(foreignChannel, "x")));
    const noPerm = [read, write, publish].every((r) => r.denied && /NOPERM/.test(r.evidence));
    const leaks: string[] = [];
    for (const command of METADATA_COMMANDS_REFUSED) {
      const attempt = await refusal(() => bounded(command.slice(0, 2).join(" "), () => client.sendCommand([...command])));
      if (!attempt.denied || !ACL_REFUSAL.test(attempt.evidence)) leaks.push(`${command.slice(0, 2).join(" ")} (${attempt.evidence})`);
    }
    const evidence =
      leaks.length > 0
        ? `metadata commands allowed: ${leaks.join(", ")}`
        : `own: ${own.evidence}; neighbour: ${read.evidence}; ${METADATA_COMMANDS_REFUSED.length} metadata commands refused`;
    return { store: "redis", ownAllowed: own.allowed, foreignDenied: noPerm && leaks.length === 0, evidence };
  } finally {
    await client.close().catch(() => client.destroy());
  }
}
