import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkResources, listOf } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";

/** Role attributes a tenant's login role never has, with the SQL keyword people know them by. */
const FORBIDDEN_FLAGS: ReadonlyArray<readonly [property: string, sql: string]> = [
  ["superuser", "SUPERUSER"],
  ["createDatabase", "CREATEDB"],
  ["createRole", "CREATEROLE"],
  ["replication", "REPLICATION"],
  ["bypassRowLevelSecurity", "BYPASSRLS"],
];

const RULE = "a tenant role is NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOREPLICATION, NOBYPASSRLS, a member of no other role, and owns only its database (DESIGN §2)";

/**
 * The problems of a PostgreSQL role: any of the forbidden attributes set (anything but false or
 * absent counts as set), or membership in another role, which would hand it that role's privileges
 * (`pg_read_all_data`, another tenant's role).
 */
export function postgresRoleProblems(props: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [property, sql] of FORBIDDEN_FLAGS) {
    const value = props[property];
    if (value !== undefined && value !== null && value !== false) problems.push(`${property} is ${JSON.stringify(value)} (${sql}); ${RULE}`);
  }
  const memberOf = listOf(props["roles"]) ?? [];
  if (memberOf.length > 0) problems.push(`roles is ${JSON.stringify(memberOf)}; ${RULE}`);
  return problems;
}

/** Policy 4: tenant PostgreSQL roles carry no privilege beyond their own database. */
export const postgresRoleLeastPrivilege: ResourceValidationPolicy = {
  name: "postgres-role-least-privilege",
  description: "A PostgreSQL role has superuser, createDatabase, createRole, replication and bypassRowLevelSecurity false or absent, and no role memberships.",
  enforcementLevel: "mandatory",
  validateResource: checkResources({ [RESOURCE_TYPES.postgresRole]: postgresRoleProblems }),
};
