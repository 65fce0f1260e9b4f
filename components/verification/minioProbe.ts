import { boundedCalls, PROBE_CALL_TIMEOUT_MS } from "../timeBounds";
import { refusal, success, type ProbeResult } from "./probeTypes";

export interface MinioProbeInput {
  /** host:port */
  readonly endpoint: string;
  readonly ssl: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly ownBucket: string;
  readonly foreignBucket: string;
  /** How long each request may wait for an answer (default {@link PROBE_CALL_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/**
 * Writes, reads and deletes (every trace of) a probe object in the tenant's bucket, then tries to
 * list and write the neighbour's. The client has an HTTP agent of its own: minio-js has no request
 * timeout, so a request that gets no answer within the bound is ended by destroying the agent's
 * sockets, and the probe ends with a StoreTimeoutError.
 */
export async function probeMinio(input: MinioProbeInput): Promise<ProbeResult> {
  const { Client } = require("minio") as typeof import("minio");
  const { Agent } = (input.ssl ? require("node:https") : require("node:http")) as typeof import("node:http");
  const agent = new Agent({ keepAlive: true });
  const separator = input.endpoint.lastIndexOf(":");
  const client = new Client({
    endPoint: input.endpoint.slice(0, separator).replace(/^\[|\]$/g, ""),
    port: Number(input.endpoint.slice(separator + 1)),
    useSSL: input.ssl,
    accessKey: input.accessKey,
    secretKey: input.secretKey,
    pathStyle: true,
    transportAgent: agent,
  });
  const bounded = boundedCalls("MinIO", input.timeoutMs ?? PROBE_CALL_TIMEOUT_MS, { release: () => agent.destroy() }, "isolation probe");
  const probeObject = ".frostbyte-isolation-probe";
  try {
    const own = await success(async () => {
      const written = await bounded(`PUT ${input.ownBucket}/${probeObject}`, () => client.putObject(input.ownBucket, probeObject, Buffer.from("probe")));
      await bounded(`HEAD ${input.ownBucket}/${probeObject}`, () => client.statObject(input.ownBucket, probeObject));
      // The bucket is versioned: removing the exact version leaves neither it nor a delete marker behind.
      await bounded(`DELETE ${input.ownBucket}/${probeObject}`, () =>
        client.removeObject(input.ownBucket, probeObject, written.versionId ? { versionId: written.versionId } : {}),
      );
    });
    const list = await refusal(() =>
      bounded(`LIST ${input.foreignBucket}`, (signal) => {
        const stream = client.listObjectsV2(input.foreignBucket, "", false);
        signal.addEventListener("abort", () => stream.destroy(), { once: true });
        return new Promise<void>((resolve, reject) => {
          stream.on("data", () => undefined);
          stream.on("end", resolve);
          stream.on("error", reject);
        });
      }),
    );
    const write = await refusal(() => bounded(`PUT ${input.foreignBucket}/${probeObject}`, () => client.putObject(input.foreignBucket, probeObject, Buffer.from("probe"))));
    const accessDenied = (evidence: string) => /access denied/i.test(evidence);
    return {
      store: "minio",
      ownAllowed: own.allowed,
      foreignDenied: list.denied && write.denied && accessDenied(list.evidence) && accessDenied(write.evidence),
      evidence: `own: ${own.evidence}; neighbour list: ${list.evidence}; neighbour write: ${write.evidence}`,
    };
  } finally {
    agent.destroy();
  }
}
