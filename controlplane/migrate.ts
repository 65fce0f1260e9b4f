/**
 * Applies the SQL migrations in `migrations/` with node-pg-migrate, which records each applied
 * file in its table and holds an advisory lock while it runs; a second run applies nothing. Then
 * installs or upgrades the job queue's schema (pg-boss's own migrations, controlplane/queue/).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { controlPlaneClientConfig, explainConnectTimeout } from "./db";
import { MigrationError } from "./errors";
import { installJobQueue } from "./queue/install";

/** The table node-pg-migrate records applied migrations in. */
export const MIGRATIONS_TABLE = "pgmigrations";

/** The schema the registry lives in. */
export const CONTROL_PLANE_SCHEMA = "public";

/** Options of {@link migrateControlPlane}. */
export interface MigrateOptions {
  /** Directory of the `NNN_name.sql` files (default: the package's `migrations/`). */
  readonly dir?: string;
  /** Receives node-pg-migrate's progress lines (default: dropped). */
  readonly log?: (line: string) => void;
}

/**
 * The package's `migrations/` directory, found by walking up from this file: it sits beside
 * package.json both in the sources (controlplane/) and in the build (bin/controlplane/).
 */
export function defaultMigrationsDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "migrations");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new MigrationError(`no migrations/ directory beside a package.json above ${from}`);
  }
}

/**
 * Applies every pending migration as the URL's role (the migration role, which owns the schema)
 * in one transaction. Returns the names of the migrations applied now; [] when up to date.
 */
export async function migrateControlPlane(databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const connection = controlPlaneClientConfig(databaseUrl);
  const log = options.log ?? (() => undefined);
  // node-pg-migrate is an ES module; a dynamic import loads it from this CommonJS build.
  const { runner } = await import("node-pg-migrate");
  try {
    const applied = await runner({
      databaseUrl: connection,
      dir: options.dir ?? defaultMigrationsDir(),
      direction: "up",
      migrationsTable: MIGRATIONS_TABLE,
      schema: CONTROL_PLANE_SCHEMA,
      checkOrder: true,
      singleTransaction: true,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    // The job queue's schema is pg-boss's own, versioned by pg-boss: installed or upgraded after ours.
    await installJobQueue(databaseUrl);
    return applied.map((migration) => migration.name);
  } catch (error) {
    const explained = explainConnectTimeout(error, databaseUrl);
    if (explained !== error) throw new MigrationError(`no migration ran: ${(explained as Error).message}`, { cause: explained });
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration failed and was rolled back: ${reason}`, { cause: error });
  }
}
