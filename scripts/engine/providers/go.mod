// One module graph for all bridged provider plugins, so the bridge, the
// Pulumi SDK and the Terraform plugin libraries compile once. Versions are
// the ones scripts/engine/versions.env documents; setup-engine.sh builds a
// copy of this directory in its cache.
module frostbyte.local/engine-providers

go 1.25.11

require (
	github.com/aminueza/terraform-provider-minio/v3 v3.3.0
	github.com/hashicorp/terraform-plugin-sdk v1.7.0
	github.com/hetznercloud/terraform-provider-hcloud v1.60.1
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.137.0
	github.com/pulumi/pulumi/pkg/v3 v3.259.0
	github.com/pulumi/pulumi/sdk/v3 v3.259.0
	github.com/lib/pq v1.12.3
	// imported by cmd/pulumi-resource-minio/bucketDelete.go; the version terraform-provider-minio v3.3.0 selects
	github.com/minio/minio-go/v7 v7.0.63
	github.com/terraform-providers/terraform-provider-postgresql v1.7.1
	github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260513075824-f8d869dc98d9
	github.com/terraform-providers/terraform-provider-random/frostbyteshim v0.0.0
)

replace (
	// The bridge needs pulumi's fork of the SDKv2 plugin library.
	github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20260318212141-5525259d096b
	github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
	github.com/terraform-providers/terraform-provider-random/frostbyteshim => ./randomshim
)
