import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { QdrantAdminSettings } from "./adminSettings";
import { tokenGrantPayload } from "./tokenGrant";

/** Bump when the provider's behaviour changes, so existing grants are rewritten by it. */
export const TOKEN_GRANT_PROVIDER_VERSION = "2";

/** Inputs of a tenant's Qdrant token grant. */
export interface QdrantTokenGrantArgs {
  readonly tenantId: pulumi.Input<string>;
  /** The tenant's credential rotation token: a new one revokes the tokens minted for the old. */
  readonly rotation: pulumi.Input<string>;
  /** False while the tenant is suspended: its token is refused, and valid again on resume. */
  readonly enabled: pulumi.Input<boolean>;
}

type GrantInputs = ProviderInputs<QdrantTokenGrantArgs>;

type GrantOutputs = GrantInputs;

const operations = runtimeModule<typeof import("./tokenGrantOperations")>(__dirname, "tokenGrantOperations");

const qdrantTokenGrantProvider: ConfiguredProvider<QdrantAdminSettings> = {
  configure: configureWith("qdrantAdminSettings"),
  async diff(_id, olds: GrantOutputs, news: GrantInputs) {
    return keyDiff<GrantInputs>(olds, news, ["rotation", "enabled", "providerVersion"], ["tenantId"], true);
  },
  async create(inputs: GrantInputs) {
    const id = await operations().putTokenGrant(settingsOf(this), tokenGrantPayload(inputs.tenantId, inputs.rotation, inputs.enabled));
    return { id, outs: inputs };
  },
  async read(id, props: GrantOutputs) {
    // A refresh: a deleted grant is gone from the state (the next up writes it again); one edited by
    // hand shows what Qdrant holds, which diff then rewrites.
    const current = await operations().readTokenGrant(settingsOf(this), props.tenantId);
    if (!current) return {};
    return { id, props: { ...props, rotation: current.rotation ?? "", enabled: current.status === "enabled" } };
  },
  async update(_id, _olds: GrantOutputs, news: GrantInputs) {
    await operations().putTokenGrant(settingsOf(this), tokenGrantPayload(news.tenantId, news.rotation, news.enabled));
    return { outs: news };
  },
  async delete(_id, olds: GrantOutputs) {
    await operations().deleteTokenGrant(settingsOf(this), olds.tenantId);
  },
};

/** The grant point that keeps a tenant's Qdrant token valid (see tokenGrant.ts). */
export class QdrantTokenGrant extends pulumi.dynamic.Resource {
  declare readonly rotation: pulumi.Output<string>;
  declare readonly enabled: pulumi.Output<boolean>;

  constructor(name: string, args: QdrantTokenGrantArgs, opts?: pulumi.CustomResourceOptions) {
    super(qdrantTokenGrantProvider, name, { ...args, providerVersion: TOKEN_GRANT_PROVIDER_VERSION }, opts, "frostbyte", "QdrantTokenGrant");
  }
}
