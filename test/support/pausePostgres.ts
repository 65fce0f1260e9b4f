/**
 * Stops a test PostgreSQL server with SIGSTOP and lets it run again with SIGCONT, as a host that
 * froze (swapping, a VM paused) would look to its clients: the port still accepts connections and
 * nothing answers. The postmaster is stopped first, so it forks no new backend meanwhile, then every
 * process below it (backends, checkpointer, walwriter, …); they run again in the reverse order.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { PostgresServer } from "./postgresServer";

/** A server that can be paused. */
export interface PausablePostgres {
  readonly postmasterPid: number;
  /** Stops the postmaster and every process below it; returns how many were stopped. */
  pause(): number;
  /** Lets every stopped process run again. */
  resume(): void;
}

function childrenOf(parent: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
}

/** Finds the server's postmaster (the first line of postmaster.pid in its data directory). */
export async function pausable(server: PostgresServer): Promise<PausablePostgres> {
  const { rows } = await server.query<{ pid: string }>("SELECT split_part(pg_read_file('postmaster.pid'), E'\\n', 1) AS pid");
  const postmasterPid = Number(rows[0]?.pid);
  if (!Number.isInteger(postmasterPid) || postmasterPid <= 0) throw new Error("could not read the postmaster's pid from postmaster.pid");
  let stopped: number[] = [];
  return {
    postmasterPid,
    pause() {
      process.kill(postmasterPid, "SIGSTOP");
      const children = childrenOf(postmasterPid);
      for (const pid of children) {
        try {
          process.kill(pid, "SIGSTOP");
        } catch {
          // It ended meanwhile.
        }
      }
      stopped = [postmasterPid, ...children];
      return stopped.length;
    },
    resume() {
      for (const pid of [...stopped].reverse()) {
        try {
          process.kill(pid, "SIGCONT");
        } catch {
          // It ended meanwhile.
        }
      }
      stopped = [];
    },
  };
}
