/**
 * Entry point of the frostbyte-isolation policy pack (run by `pulumi preview|up --policy-pack policy`;
 * see README.md). Constructing the PolicyPack starts the analyzer server the engine talks to, so this
 * file only wires things together; the policies live one per file and are tested without a server.
 */
import { PolicyPack } from "@pulumi/policy";
import { FROSTBYTE_POLICIES, POLICY_PACK_NAME } from "./policies";
import { installPropertyMarks } from "./propertyMarks";

// Before the pack serves anything: the credentials policy needs the engine's secret marks.
installPropertyMarks();

new PolicyPack(POLICY_PACK_NAME, {
  description: "DESIGN §2 isolation by construction: closed firewalls, tenant-scoped store grants, tenant names, secret credentials.",
  enforcementLevel: "mandatory",
  policies: [...FROSTBYTE_POLICIES],
});
