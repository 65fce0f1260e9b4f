import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { AclUserSpec } from "./aclOperations";
import type { RedisAdminSettings } from "./adminSettings";

/** Bump when the provider's behaviour changes, so existing users are updated by it. */
export const REDIS_ACL_PROVIDER_VERSION = "3";

/** Inputs of a tenant's Redis ACL user. */
export interface RedisAclUserArgs {
  /** The ACL user name (DESIGN §1). */
  readonly username: pulumi.Input<string>;
  /** The exact rules, from `redisAclRules`; the password is appended by the provider. */
  readonly rules: pulumi.Input<pulumi.Input<string>[]>;
  /** The user's password; kept secret in state. */
  readonly password: pulumi.Input<string>;
}

interface AclUserInputs extends AclUserSpec {
  readonly providerVersion: string;
}

interface AclUserState extends AclUserInputs {
  /** The user's `ACL LIST` line right after the provider set it. */
  readonly aclLine?: string;
  /** The same line as a refresh found it; differs from `aclLine` when someone changed the user. */
  readonly liveAclLine?: string;
}

/** True when an update must end the user's open sessions: it was switched off, or its password changed (a rotation). */
export function updateEndsSessions(olds: Pick<AclUserSpec, "password">, news: AclUserSpec): boolean {
  return news.rules.includes("off") || olds.password !== news.password;
}

const operations = runtimeModule<typeof import("./aclOperations")>(__dirname, "aclOperations");

/** Sets the user, ends its open sessions when asked, and returns its outputs with the line Redis now shows for it. */
async function apply(settings: RedisAdminSettings, inputs: AclUserInputs, endSessions: boolean): Promise<AclUserState> {
  const { setAclUser, disconnectAclUser, getAclLine } = operations();
  await setAclUser(settings, inputs);
  if (endSessions) await disconnectAclUser(settings, inputs.username);
  const aclLine = await getAclLine(settings, inputs.username);
  return aclLine === undefined ? inputs : { ...inputs, aclLine, liveAclLine: aclLine };
}

/**
 * The dynamic provider. Admin credentials come from stack config in `configure`, never from
 * resource inputs, so they are neither captured in the serialised provider nor stored in state.
 */
const redisAclProvider: ConfiguredProvider<RedisAdminSettings> = {
  configure: configureWith("redisAdminSettings"),
  async diff(_id, olds: AclUserState, news: AclUserInputs) {
    const inputs = keyDiff<AclUserInputs>(olds, news, ["rules", "password", "providerVersion"], ["username"]);
    // A refresh that found the user changed by someone else: the next up sets it again.
    return { ...inputs, changes: inputs.changes || olds.liveAclLine !== olds.aclLine };
  },
  async create(inputs: AclUserInputs) {
    return { id: inputs.username, outs: await apply(settingsOf(this), inputs, inputs.rules.includes("off")) };
  },
  async read(id, props: AclUserState) {
    // A refresh: a deleted user is gone from the state (the next up creates it again); a changed
    // one keeps its state with the line found, which diff reports as a change.
    const liveAclLine = await operations().getAclLine(settingsOf(this), props.username);
    if (liveAclLine === undefined) return {};
    return { id, props: { ...props, liveAclLine } };
  },
  async update(_id, olds: AclUserState, news: AclUserInputs) {
    return { outs: await apply(settingsOf(this), news, updateEndsSessions(olds, news)) };
  },
  async delete(_id, olds: AclUserState) {
    await operations().deleteAclUser(settingsOf(this), olds.username);
  },
};

/** A Redis ACL user owned by one tenant. */
export class RedisAclUser extends pulumi.dynamic.Resource {
  declare readonly username: pulumi.Output<string>;
  declare readonly rules: pulumi.Output<string[]>;

  constructor(name: string, args: RedisAclUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      redisAclProvider,
      name,
      { ...args, providerVersion: REDIS_ACL_PROVIDER_VERSION },
      // The ACL lines carry the password's SHA-256.
      { ...opts, additionalSecretOutputs: ["password", "aclLine", "liveAclLine"] },
      "frostbyte",
      "RedisAclUser",
    );
  }
}
