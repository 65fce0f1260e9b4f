import { METADATA_COMMANDS_REFUSED } from "../redis/aclRules";
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
}

/**
 * Sets, reads and deletes a key under the tenant's prefix, then tries the neighbour's prefix and
 * channel, and every server-wide metadata command (key tracking, channel listings, key scans).
 */
export async function probeRedis(input: RedisProbeInput): Promise<ProbeResult> {
  const { createClient } = require("redis") as typeof import("redis");
  const client = createClient({ url: input.url, username: input.user, password: input.password, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
  client.on("error", () => undefined);
  const connected = await success(() => client.connect());
  if (!connected.allowed) return { store: "redis", ownAllowed: false, foreignDenied: false, evidence: `cannot log in: ${connected.evidence}` };
  try {
    const key = `${input.ownPrefix}isolation-probe`;
    const own = await success(async () => {
      await client.set(key, "probe", { expiration: { type: "EX", value: 60 } });
      await client.get(key);
      await client.del(key);
    });
    const read = await refusal(() => client.get(`${input.foreignPrefix}isolation-probe`));
    const write = await refusal(() => client.set(`${input.foreignPrefix}isolation-probe`, "x"));
    const publish = await refusal(() => client.publish(`${input.foreignPrefix}events`, "x"));
    const noPerm = [read, write, publish].every((r) => r.denied && /NOPERM/.test(r.evidence));
    const leaks: string[] = [];
    for (const command of METADATA_COMMANDS_REFUSED) {
      const attempt = await refusal(() => client.sendCommand([...command]));
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
