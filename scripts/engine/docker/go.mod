// The Docker provider plugin, in a module graph of its own: the Docker
// Terraform provider pulls in docker/cli, buildx and buildkit, whose
// dependency versions must not move those of the four providers in
// ../providers. Versions are the ones scripts/engine/versions.env documents;
// setup-engine.sh builds a copy of this directory in its cache.
module frostbyte.local/engine-docker

go 1.25.11

require (
	github.com/hashicorp/terraform-plugin-sdk/v2 v2.40.1
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.137.0
	github.com/pulumi/pulumi/sdk/v3 v3.259.0
	github.com/terraform-providers/terraform-provider-docker v0.0.0-20260916201441-96d331c98ff4
	github.com/terraform-providers/terraform-provider-docker/frostbyteshim v0.0.0
)

replace (
	// The bridge needs pulumi's fork of the SDKv2 plugin library.
	github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20260318212141-5525259d096b
	github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
	// The source lives at kreuzwerker/terraform-provider-docker; its go.mod
	// still declares the old terraform-providers path.
	github.com/terraform-providers/terraform-provider-docker => github.com/kreuzwerker/terraform-provider-docker v0.0.0-20260916201441-96d331c98ff4
	github.com/terraform-providers/terraform-provider-docker/frostbyteshim => ./shim
)
