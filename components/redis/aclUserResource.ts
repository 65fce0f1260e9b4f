import * as pulumi from "@pulumi/pulumi";
import { deleteAclUser, setAclUser, type AclUserSpec } from "./aclOperations";
import { parseRedisAdminSettings, type RedisAdminSettings } from "./adminSettings";

/** Bump when the provider's behaviour changes, so existing users are updated by it. */
export const REDIS_ACL_PROVIDER_VERSION = "1";

/** Inputs of a tenant's Redis ACL user. */
export interface RedisAclUserArgs {
  /** The ACL user name (DESIGN §1). */
  readonly username: pulumi.Input<string>;
  /** The exact rules, from `redisAclRules`; the password is appended by the provider. */
  readonly rules: pulumi.Input<pulumi.Input<string>[]>;
  /** The user's password; kept secret in state. */
  readonly password: pulumi.Input<string>;
}

interface AclUserState extends AclUserSpec {
  readonly providerVersion: string;
}

interface RedisAclProvider extends pulumi.dynamic.ResourceProvider {
  settings?: RedisAdminSettings;
}

function settingsOf(provider: RedisAclProvider): RedisAdminSettings {
  if (!provider.settings) throw new Error("the Redis ACL provider was not configured: frostbyte:redis is missing");
  return provider.settings;
}

/**
 * The dynamic provider. Admin credentials come from stack config in `configure`, never from
 * resource inputs, so they are neither captured in the serialised provider nor stored in state.
 */
const redisAclProvider: RedisAclProvider = {
  async configure(req) {
    this.settings = parseRedisAdminSettings(req.config.get("redis"));
  },
  async diff(_id, olds: AclUserState, news: AclUserState) {
    const replaces = olds.username !== news.username ? ["username"] : [];
    const changes =
      replaces.length > 0 ||
      JSON.stringify(olds.rules) !== JSON.stringify(news.rules) ||
      olds.password !== news.password ||
      olds.providerVersion !== news.providerVersion;
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async create(inputs: AclUserState) {
    await setAclUser(settingsOf(this), inputs);
    return { id: inputs.username, outs: inputs };
  },
  async update(_id, _olds: AclUserState, news: AclUserState) {
    await setAclUser(settingsOf(this), news);
    return { outs: news };
  },
  async delete(_id, olds: AclUserState) {
    await deleteAclUser(settingsOf(this), olds.username);
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
      { ...opts, additionalSecretOutputs: ["password"] },
      "frostbyte",
      "RedisAclUser",
    );
  }
}
