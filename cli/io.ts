/** What a command reads and writes, passed in so commands run the same in a test as in a shell. */

/** The process surface a command uses. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes to standard output; the text carries its own newlines. */
  stdout(text: string): void;
  /** Writes to standard error; the text carries its own newlines. */
  stderr(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

/** A failure the command explains itself; printed as one line, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}
