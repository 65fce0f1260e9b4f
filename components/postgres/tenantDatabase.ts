import * as postgresql from "@pulumi/postgresql";
import type * as pulumi from "@pulumi/pulumi";
import type { TenantNames } from "../../domain";
import { tenantPart, type PartOptions } from "../partOptions";
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
  const [databasePart, databaseOpts] = tenantPart(names, "postgres-database", opts);
  const database = new postgresql.Database(databasePart, { name: databaseName, owner: role.name }, databaseOpts);
  const [revokePart, revokeOpts] = tenantPart(names, "postgres-public-revoke", opts);
  const publicRevoke = new postgresql.Grant(
    revokePart,
    { database: database.name, role: "public", objectType: "database", privileges: [] },
    revokeOpts,
  );
  const { provider: _provider, ...dynamicOpts } = opts;
  const [cutoffPart, cutoffOpts] = tenantPart(names, "postgres-session-cutoff", { ...dynamicOpts, dependsOn: [...(opts.dependsOn ?? []), role] });
  const sessionCutoff = new PostgresSessionCutoff(cutoffPart, { role: role.name, suspended: args.suspended, rotation: args.rotation }, cutoffOpts);
  return { role, database, publicRevoke, sessionCutoff };
}
