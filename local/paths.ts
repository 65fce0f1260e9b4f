/**
 * Where the local sandbox keeps its files: `FROSTBYTE_LOCAL_DIR`, by default `.frostbyte-local/`
 * in the project (gitignored). Everything in it is local-only and removed by `down`.
 */
import { join, resolve } from "node:path";
import { findProjectDir } from "../stacks/settings";

export const LOCAL_DIR_ENV = "FROSTBYTE_LOCAL_DIR";

export interface LocalPaths {
  readonly root: string;
  /** Written by the supervisor once every store answers: ports and admin credentials (mode 0600). */
  readonly environmentFile: string;
  /** The supervisor's own output. */
  readonly supervisorLog: string;
  /** The file backend of the `local` stack. */
  readonly stateDir: string;
  /** The stack's secrets passphrase, generated on first use (mode 0600). */
  readonly passphraseFile: string;
}

export function localPaths(env: Readonly<Record<string, string | undefined>> = process.env): LocalPaths {
  const root = resolve(env[LOCAL_DIR_ENV] ?? join(findProjectDir(), ".frostbyte-local"));
  return {
    root,
    environmentFile: join(root, "environment.json"),
    supervisorLog: join(root, "supervisor.log"),
    stateDir: join(root, "state"),
    passphraseFile: join(root, "passphrase"),
  };
}
