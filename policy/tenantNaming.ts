import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TENANT_LABEL_KEY, tenantIdProblem, tenantNames } from "../domain";
import { checkResources, stringOf, type PropsCheck } from "./resourceCheck";
import { RESOURCE_TYPES } from "./resourceTypes";
import { nameTemplate, tenantIdOfName, type NamePick } from "./tenantOfName";

/** A store resource whose name is derived from its tenant's id: the property holding the name and which §1 name it is. */
function namedFor(property: string, pick: NamePick): PropsCheck {
  const template = nameTemplate(pick);
  return (props) => {
    const name = stringOf(props[property]);
    if (name !== undefined && tenantIdOfName(name, pick) !== undefined) return [];
    return [`${property} ${JSON.stringify(props[property])} is not ${template} of a valid tenant id; every tenant resource is named for its tenant (DESIGN §1)`];
  };
}

/**
 * A Hetzner resource: it carries the label `frostbyte.io/tenant={id}` with a valid id, and its name
 * is that tenant's §1 name for the kind of resource.
 */
function labelledAndNamedFor(pick: NamePick): PropsCheck {
  const template = nameTemplate(pick);
  const rule = `every Hetzner resource carries the label ${TENANT_LABEL_KEY}={id} and is named ${template} for that id (DESIGN §1)`;
  return (props) => {
    const labels = props["labels"];
    const label = typeof labels === "object" && labels !== null ? (labels as Record<string, unknown>)[TENANT_LABEL_KEY] : undefined;
    const tenantId = stringOf(label);
    if (tenantId === undefined) return [`label ${TENANT_LABEL_KEY} is missing; ${rule}`];
    const problem = tenantIdProblem(tenantId);
    if (problem !== undefined) return [`label ${TENANT_LABEL_KEY}=${JSON.stringify(tenantId)} is no valid tenant id (${problem}); ${rule}`];
    const expected = pick(tenantNames(tenantId));
    if (props["name"] !== expected) return [`name ${JSON.stringify(props["name"])} is not ${JSON.stringify(expected)}, the name of tenant ${JSON.stringify(tenantId)} from its label; ${rule}`];
    return [];
  };
}

/** Each tenant-owned type and how its tenant shows in it. */
export const TENANT_NAMING_CHECKS: Readonly<Record<string, PropsCheck>> = {
  [RESOURCE_TYPES.hcloudNetwork]: labelledAndNamedFor((names) => names.hetzner.network),
  [RESOURCE_TYPES.hcloudFirewall]: labelledAndNamedFor((names) => names.hetzner.firewall),
  [RESOURCE_TYPES.hcloudServer]: labelledAndNamedFor((names) => names.hetzner.server),
  [RESOURCE_TYPES.minioBucket]: namedFor("bucket", (names) => names.minio.bucket),
  [RESOURCE_TYPES.minioUser]: namedFor("name", (names) => names.minio.user),
  [RESOURCE_TYPES.minioPolicy]: namedFor("name", (names) => names.minio.policy),
  [RESOURCE_TYPES.postgresRole]: namedFor("name", (names) => names.postgres.role),
  [RESOURCE_TYPES.postgresDatabase]: namedFor("name", (names) => names.postgres.database),
  [RESOURCE_TYPES.qdrantCollection]: namedFor("name", (names) => names.qdrant.collection),
};

/** Policy 6: every tenant resource says whose it is, through its §1 name and, on Hetzner, its label. */
export const tenantResourcesNamedForTenant: ResourceValidationPolicy = {
  name: "tenant-resources-named-for-tenant",
  description: "Hetzner networks, firewalls and servers carry frostbyte.io/tenant={id} and are named fb-{id}-…; MinIO, PostgreSQL and Qdrant names are their tenant's DESIGN §1 names.",
  enforcementLevel: "mandatory",
  validateResource: checkResources(TENANT_NAMING_CHECKS),
};
