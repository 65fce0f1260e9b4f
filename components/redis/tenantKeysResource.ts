import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { RedisAdminSettings } from "./adminSettings";

/** Inputs of {@link RedisTenantKeys}. */
export interface RedisTenantKeysArgs {
  readonly tenantId: pulumi.Input<string>;
  /** The tenant's key pattern (`~tenant:{id}:*`, DESIGN §1). */
  readonly pattern: pulumi.Input<string>;
}

type TenantKeysInputs = pulumi.Unwrap<RedisTenantKeysArgs>;

const operations = runtimeModule<typeof import("./tenantKeysOperations")>(__dirname, "tenantKeysOperations");

const tenantKeysProvider: ConfiguredProvider<RedisAdminSettings> = {
  configure: configureWith("redisAdminSettings"),
  // Never a replacement: a replacement deletes the old resource, and its delete is the tenant's data.
  async diff(_id, olds: TenantKeysInputs, news: TenantKeysInputs) {
    return keyDiff(olds, news, ["tenantId", "pattern"]);
  },
  async create(inputs: TenantKeysInputs) {
    operations().tenantKeysGlob(inputs.pattern);
    await operations().assertKeysServerAnswers(settingsOf(this));
    return { id: inputs.pattern, outs: inputs };
  },
  async update(_id, _olds: TenantKeysInputs, news: TenantKeysInputs) {
    operations().tenantKeysGlob(news.pattern);
    return { outs: news };
  },
  async delete(_id, olds: TenantKeysInputs) {
    await operations().deleteTenantKeys(settingsOf(this), olds.pattern);
  },
};

/**
 * The keys of a tenant in Redis, as something a destroy removes (as MinioBucketObjects is for the
 * bucket): the ACL user depends on it, so `pulumi destroy` deletes the user first (which also ends
 * its connections), and then this, whose delete removes every key of the tenant's pattern in every
 * database. Creating it only checks that the server answers.
 */
export class RedisTenantKeys extends pulumi.dynamic.Resource {
  declare readonly pattern: pulumi.Output<string>;

  constructor(name: string, args: RedisTenantKeysArgs, opts?: pulumi.CustomResourceOptions) {
    super(tenantKeysProvider, name, { ...args }, opts, "frostbyte", "RedisTenantKeys");
  }
}
