import type { Policies } from "@pulumi/policy";
import { credentialsAreSecret } from "./credentialsSecret";
import { noWorldOpenProtectedPorts } from "./firewallPorts";
import { minioPolicyOwnBucketOnly } from "./minioPolicyScope";
import { postgresRoleLeastPrivilege } from "./postgresRoleFlags";
import { redisAclOwnKeysOnly } from "./redisAclScope";
import { serverBehindFirewallOnPrivateNetwork } from "./serverAttachments";
import { tenantResourcesNamedForTenant } from "./tenantNaming";

/** The policies of the frostbyte-isolation pack (DESIGN §2), all mandatory, in the order the README lists them. */
export const FROSTBYTE_POLICIES: Readonly<Policies> = [
  noWorldOpenProtectedPorts,
  serverBehindFirewallOnPrivateNetwork,
  minioPolicyOwnBucketOnly,
  postgresRoleLeastPrivilege,
  redisAclOwnKeysOnly,
  tenantResourcesNamedForTenant,
  credentialsAreSecret,
];

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = "frostbyte-isolation";
