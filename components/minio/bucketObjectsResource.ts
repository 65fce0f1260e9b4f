import * as pulumi from "@pulumi/pulumi";
import { configureWith, settingsOf, type ConfiguredProvider } from "../providerRuntime/configuredProvider";
import { keyDiff } from "../providerRuntime/keyDiff";
import { runtimeModule } from "../providerRuntime/runtimeModule";
import type { MinioAdminSettings } from "./adminSettings";

/** Inputs of {@link MinioBucketObjects}. */
export interface MinioBucketObjectsArgs {
  readonly tenantId: pulumi.Input<string>;
  readonly bucket: pulumi.Input<string>;
}

type BucketObjectsInputs = pulumi.Unwrap<MinioBucketObjectsArgs>;

const operations = runtimeModule<typeof import("./bucketObjectsOperations")>(__dirname, "bucketObjectsOperations");

const bucketObjectsProvider: ConfiguredProvider<MinioAdminSettings> = {
  configure: configureWith("minioAdminSettings"),
  async diff(_id, olds: BucketObjectsInputs, news: BucketObjectsInputs) {
    return keyDiff(olds, news, [], ["tenantId", "bucket"], true);
  },
  async create(inputs: BucketObjectsInputs) {
    if (!(await operations().bucketExists(settingsOf(this), inputs.bucket))) throw new Error(`MinIO bucket "${inputs.bucket}" does not exist`);
    return { id: inputs.bucket, outs: inputs };
  },
  async delete(_id, olds: BucketObjectsInputs) {
    await operations().emptyBucket(settingsOf(this), olds.bucket);
  },
};

/**
 * The objects of a tenant's bucket, as something a destroy removes: it depends on the bucket, so
 * `pulumi destroy` deletes it first, and its delete removes every object version and delete marker;
 * the bucket's own delete then finds it empty. Creating it touches nothing.
 */
export class MinioBucketObjects extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;

  constructor(name: string, args: MinioBucketObjectsArgs, opts?: pulumi.CustomResourceOptions) {
    super(bucketObjectsProvider, name, { ...args }, opts, "frostbyte", "MinioBucketObjects");
  }
}
