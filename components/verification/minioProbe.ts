import { refusal, success, type ProbeResult } from "./probeTypes";

export interface MinioProbeInput {
  /** host:port */
  readonly endpoint: string;
  readonly ssl: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly ownBucket: string;
  readonly foreignBucket: string;
}

/** Writes, reads and deletes (every trace of) a probe object in the tenant's bucket, then tries to list and write the neighbour's. */
export async function probeMinio(input: MinioProbeInput): Promise<ProbeResult> {
  const { Client } = require("minio") as typeof import("minio");
  const separator = input.endpoint.lastIndexOf(":");
  const client = new Client({
    endPoint: input.endpoint.slice(0, separator).replace(/^\[|\]$/g, ""),
    port: Number(input.endpoint.slice(separator + 1)),
    useSSL: input.ssl,
    accessKey: input.accessKey,
    secretKey: input.secretKey,
    pathStyle: true,
  });
  const probeObject = ".frostbyte-isolation-probe";
  const own = await success(async () => {
    const written = await client.putObject(input.ownBucket, probeObject, Buffer.from("probe"));
    await client.statObject(input.ownBucket, probeObject);
    // The bucket is versioned: removing the exact version leaves neither it nor a delete marker behind.
    await client.removeObject(input.ownBucket, probeObject, written.versionId ? { versionId: written.versionId } : {});
  });
  const list = await refusal(async () => {
    const stream = client.listObjectsV2(input.foreignBucket, "", false);
    await new Promise<void>((resolve, reject) => {
      stream.on("data", () => undefined);
      stream.on("end", resolve);
      stream.on("error", reject);
    });
  });
  const write = await refusal(() => client.putObject(input.foreignBucket, probeObject, Buffer.from("probe")));
  const accessDenied = (evidence: string) => /access denied/i.test(evidence);
  return {
    store: "minio",
    ownAllowed: own.allowed,
    foreignDenied: list.denied && write.denied && accessDenied(list.evidence) && accessDenied(write.evidence),
    evidence: `own: ${own.evidence}; neighbour list: ${list.evidence}; neighbour write: ${write.evidence}`,
  };
}
