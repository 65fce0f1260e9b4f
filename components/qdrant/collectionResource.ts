import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider, type ProviderInputs } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { QdrantAdminSettings } from "./adminSettings";
import type { Distance } from "./collectionOperations";

/** Bump when the provider's behaviour changes, so existing collections are updated by it. */
export const QDRANT_PROVIDER_VERSION = "2";

/** Inputs of a tenant's Qdrant collection. */
export interface QdrantCollectionArgs {
  readonly tenantId: pulumi.Input<string>;
  /** Collection name (DESIGN §1). */
  readonly name: pulumi.Input<string>;
  readonly vectorSize: pulumi.Input<number>;
  readonly distance: pulumi.Input<Distance>;
}

type CollectionInputs = ProviderInputs<QdrantCollectionArgs>;

type CollectionOutputs = CollectionInputs;

/** A collection's shape can't change in place: size, distance or name changes replace it. */
const REPLACING_KEYS = ["name", "vectorSize", "distance"] as const;

const operations = runtimeModule<typeof import("./collectionOperations")>(__dirname, "collectionOperations");

const qdrantCollectionProvider: ConfiguredProvider<QdrantAdminSettings> = {
  configure: configureWith("qdrantAdminSettings"),
  async check(_olds, news: CollectionInputs) {
    const failures = [];
    if (!Number.isInteger(news.vectorSize) || news.vectorSize < 1 || news.vectorSize > 65536) {
      failures.push({ property: "vectorSize", reason: "must be an integer from 1 to 65536" });
    }
    if (!["Cosine", "Euclid", "Dot", "Manhattan"].includes(news.distance)) {
      failures.push({ property: "distance", reason: "must be Cosine, Euclid, Dot or Manhattan" });
    }
    return { inputs: news, failures };
  },
  async diff(_id, olds: CollectionOutputs, news: CollectionInputs) {
    const diff = keyDiff<CollectionInputs>(olds, news, ["tenantId", "providerVersion"], REPLACING_KEYS);
    // A new name can be created beside the old collection; the same name must be freed first.
    return { ...diff, deleteBeforeReplace: !diff.replaces?.includes("name") };
  },
  async create(inputs: CollectionInputs) {
    await operations().createCollection(settingsOf(this), inputs);
    return { id: inputs.name, outs: inputs };
  },
  async read(id, props: CollectionOutputs) {
    // A refresh: a deleted collection is gone from the state; a recreated one with another shape
    // shows its real size and distance, which diff then replaces.
    const current = await operations().getCollection(settingsOf(this), props.name);
    if (!current) return {};
    return { id, props: { ...props, vectorSize: current.vectorSize ?? props.vectorSize, distance: (current.distance as Distance | undefined) ?? props.distance } };
  },
  async update(_id, _olds: CollectionOutputs, news: CollectionInputs) {
    const current = await operations().getCollection(settingsOf(this), news.name);
    if (!current) throw new Error(`Qdrant collection "${news.name}" is gone; run pulumi refresh or recreate the tenant's collection`);
    return { outs: news };
  },
  async delete(_id, olds: CollectionOutputs) {
    await operations().deleteCollection(settingsOf(this), olds.name);
  },
};

/** A tenant's Qdrant collection (its token is minted by the program from the admin key, see mintCollectionToken). */
export class QdrantCollection extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly vectorSize: pulumi.Output<number>;
  declare readonly distance: pulumi.Output<Distance>;

  constructor(name: string, args: QdrantCollectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      qdrantCollectionProvider,
      name,
      { ...args, providerVersion: QDRANT_PROVIDER_VERSION },
      opts,
      "frostbyte",
      "QdrantCollection",
    );
  }
}
