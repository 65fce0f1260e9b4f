import type { CliIo } from "../../cli/io";

/** A {@link CliIo} that records what a command writes, for running commands in-process. */
export interface MemoryIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
}

export function memoryIo(env: Readonly<Record<string, string | undefined>> = {}, stdin = ""): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), readStdin: async () => stdin };
}
