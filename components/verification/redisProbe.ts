import { refusal, success, type ProbeResult } from "./probeTypes";

export interface RedisProbeInput {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** e.g. `tenant:acme:` */
  readonly ownPrefix: string;
  readonly foreignPrefix: string;
}

/** Sets, reads and deletes a key under the tenant's prefix, then tries the neighbour's prefix and channel. */
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
    return { store: "redis", ownAllowed: own.allowed, foreignDenied: noPerm, evidence: `own: ${own.evidence}; neighbour: ${read.evidence}` };
  } finally {
    await client.close().catch(() => client.destroy());
  }
}
