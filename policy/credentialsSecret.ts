import type { StackValidationPolicy } from "@pulumi/policy";
import { propertyMarksOf, type PropertyMarks } from "./propertyMarks";
import { describeResource, RESOURCE_TYPES } from "./resourceTypes";

/** Every resource type that holds a credential, and the property that holds it. */
export const CREDENTIAL_PROPERTIES: Readonly<Record<string, string>> = {
  [RESOURCE_TYPES.randomPassword]: "result",
  [RESOURCE_TYPES.minioUser]: "secret",
  [RESOURCE_TYPES.postgresRole]: "password",
  [RESOURCE_TYPES.redisAclUser]: "password",
  [RESOURCE_TYPES.ageKey]: "privateKey",
  [RESOURCE_TYPES.secretsFile]: "plaintext",
  [RESOURCE_TYPES.tenant]: "credentials",
};

/** One credential-holding resource as the check sees it: who it is, and how its properties arrived. */
export interface CredentialHolder {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Undefined when no marks were recorded, so secretness cannot be told. */
  readonly marks: PropertyMarks | undefined;
}

/** A credential in plain text (or one whose secretness cannot be told), with the resource it belongs to. */
export interface CredentialFinding {
  readonly urn: string;
  readonly message: string;
}

const RULE = "every credential is a Pulumi secret, so it is encrypted in state and masked in output (DESIGN §2)";

/**
 * The credentials that are known and not secret. A value that is still unknown (a preview before
 * the resource exists) is not judged: the stack is checked again after the update, with real values.
 */
export function plainCredentialFindings(holders: readonly CredentialHolder[]): CredentialFinding[] {
  const findings: CredentialFinding[] = [];
  for (const holder of holders) {
    const property = CREDENTIAL_PROPERTIES[holder.type];
    if (property === undefined) continue;
    const who = describeResource(holder.type, holder.name);
    if (holder.marks === undefined) {
      findings.push({ urn: holder.urn, message: `${who}: cannot tell whether ${property} is secret, because the policy pack's property marks were not recorded (policy/propertyMarks.ts); ${RULE}` });
    } else if (holder.marks[property] === "plain") {
      const fix = holder.type === RESOURCE_TYPES.tenant ? "wrap it in pulumi.secret" : `add additionalSecretOutputs: ["${property}"]`;
      findings.push({ urn: holder.urn, message: `${who}: ${property} is not a secret (${fix}); ${RULE}` });
    }
  }
  return findings;
}

/** Policy 7: every generated password, user secret, token and the Tenant's credentials output is a secret. */
export const credentialsAreSecret: StackValidationPolicy = {
  name: "credentials-are-secret",
  description: "RandomPassword result, MinIO IamUser secret, PostgreSQL Role password, Redis ACL password, the tenant's age private key, its secrets file's plaintext and Tenant credentials are Pulumi secrets.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const holders = args.resources
      .filter((resource) => Object.hasOwn(CREDENTIAL_PROPERTIES, resource.type))
      .map((resource) => ({ type: resource.type, name: resource.name, urn: resource.urn, marks: propertyMarksOf(resource.props) }));
    if (holders.length === 0) return args.notApplicable("the stack holds no credential");
    for (const finding of plainCredentialFindings(holders)) report(finding.message, finding.urn);
  },
};
