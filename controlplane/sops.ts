/** Runs the real `sops` binary on stdin/stdout (with --filename-override, sops reads standard input); plaintext never touches the disk or the command line. */
import { execFile } from "node:child_process";

/** The sops binary: `SOPS_BINARY` when set, else `sops` from PATH. */
export function sopsBinary(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env["SOPS_BINARY"] ?? "sops";
}

function runSops(args: readonly string[], input: string, extraEnv: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      sopsBinary(),
      [...args],
      // No update check (it would call out to the internet) and no ambient key material.
      { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", SOPS_DISABLE_VERSION_CHECK: "1", ...extraEnv }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`sops ${args[0]} failed: ${String(stderr).trim().split("\n")[0] || error.message}`));
        else resolve(String(stdout));
      },
    );
    child.stdin?.end(input);
  });
}

/** Encrypts a YAML document to every age recipient; `filename` is what sops records as the file's name. */
export function sopsEncryptYaml(plaintextYaml: string, recipients: readonly string[], filename: string): Promise<string> {
  if (recipients.length === 0) throw new Error("sops encrypt needs at least one age recipient");
  return runSops(
    ["encrypt", "--age", recipients.join(","), "--input-type", "yaml", "--output-type", "yaml", "--filename-override", filename],
    plaintextYaml,
    {},
  );
}

/** Decrypts a SOPS YAML document with one age identity (`AGE-SECRET-KEY-1…`). */
export function sopsDecryptYaml(ciphertext: string, ageIdentity: string): Promise<string> {
  return runSops(["decrypt", "--input-type", "yaml", "--output-type", "yaml", "--filename-override", "secrets.enc.yaml"], ciphertext, { SOPS_AGE_KEY: ageIdentity });
}
