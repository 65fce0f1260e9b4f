import * as postgresql from "@pulumi/postgresql";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantNames } from "../../domain";
import { tenantPart, type PartOptions } from "../partOptions";
import { PostgresDatabaseOpening } from "./databaseOpeningResource";
import { PostgresSessionCutoff } from "./sessionCutoffResource";

/** The role flags DESIGN §2 fixes; `login` is dropped only while the tenant is suspended. */
export function tenantRoleFlags(suspended: boolean) {
  return { login: !suspended, superuser: false, createDatabase: false, createRole: false, replication: false, inherit: true } as const;
}

export interface TenantDatabase {
  readonly role: postgresql.Role;
  readonly database: postgresql.Database;
  /** Revokes every database privilege (CONNECT, TEMPORARY) from PUBLIC, so only the owner connects. */
  readonly publicRevoke: postgresql.Grant;
  /** Lets connections in, after the revoke: the database is created closed to everyone. */
  readonly opening: PostgresDatabaseOpening;
  /** Ends the role's open sessions when it is suspended or its password rotated. */
  readonly sessionCutoff: PostgresSessionCutoff;
}

export interface TenantDatabaseArgs {
  readonly password: pulumi.Input<string>;
  readonly connectionLimit: number;
  readonly suspended: boolean;
  /** The credential rotation token; a new one means a new password. */
  readonly rotation: string;
}

/** The tenant's login role and the database it alone owns and reaches. */
export function createTenantDatabase(
  names: TenantNames,
  args: TenantDatabaseArgs,
  opts: PartOptions<postgresql.Provider>,
): TenantDatabase {
  const { database: databaseName, role: roleName } = names.postgres;
  const [rolePart, roleOpts] = tenantPart(names, "postgres-role", { ...opts, additionalSecretOutputs: ["password"] });
  const role = new postgresql.Role(
    rolePart,
    { name: roleName, password: args.password, connectionLimit: args.connectionLimit, ...tenantRoleFlags(args.suspended) },
    roleOpts,
  );
  // PUBLIC may connect to a new database until the revoke below; created with no connections
  // allowed at all, it has no such moment. The opening resource allows them afterwards, so the
  // created value is ignored from then on (a database created before this rule stays as it is).
  const [databasePart, databaseOpts] = tenantPart(names, "postgres-database", { ...opts, ignoreChanges: ["allowConnections"] });
  const database = new postgresql.Database(databasePart, { name: databaseName, owner: role.name, allowConnections: false }, databaseOpts);
  const [revokePart, revokeOpts] = tenantPart(names, "postgres-public-revoke", opts);
  const publicRevoke = new postgresql.Grant(
    revokePart,
    { database: database.name, role: "public", objectType: "database", privileges: [] },
    revokeOpts,
  );
  const { provider: _provider, ...dynamicOpts } = opts;
  const [openingPart, openingOpts] = tenantPart(names, "postgres-database-opening", { ...dynamicOpts, dependsOn: [...(opts.dependsOn ?? []), publicRevoke] });
  const opening = new PostgresDatabaseOpening(openingPart, { database: database.name }, openingOpts);
  const [cutoffPart, cutoffOpts] = tenantPart(names, "postgres-session-cutoff", { ...dynamicOpts, dependsOn: [...(opts.dependsOn ?? []), role] });
  const sessionCutoff = new PostgresSessionCutoff(cutoffPart, { role: role.name, suspended: args.suspended, rotation: args.rotation }, cutoffOpts);
  return { role, database, publicRevoke, opening, sessionCutoff };
}
