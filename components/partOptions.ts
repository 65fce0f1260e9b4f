import type * as pulumi from "@pulumi/pulumi";

/** The options the Tenant hands each of its parts: itself as parent, the store's provider, ordering and hooks. */
export interface PartOptions<P extends pulumi.ProviderResource> {
  readonly parent: pulumi.Resource;
  readonly provider: P;
  /** The write-back start marker: no store is touched before the tenant is PROVISIONING. */
  readonly dependsOn?: pulumi.Resource[];
  /** Records a failed step in the registry. */
  readonly hooks?: pulumi.ResourceHookBinding;
}
