// pulumi-resource-minio: the MinIO Terraform provider (aminueza, SDKv2) served
// to the Pulumi engine through pulumi-terraform-bridge with @pulumi/minio's
// tokens (minio_s3_bucket -> minio:index/s3Bucket:S3Bucket).
package main

import (
	"fmt"

	"github.com/aminueza/terraform-provider-minio/minio"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/minio version.
var version = "0.0.0"

func main() {
	info := tfbridge.ProviderInfo{
		P:            shimv2.NewProvider(minio.Provider()),
		Name:         "minio",
		GitHubOrg:    "aminueza",
		Version:      version,
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Resources: map[string]*tfbridge.ResourceInfo{
			"minio_s3_bucket": {Fields: map[string]*tfbridge.SchemaInfo{"quota": {Type: "number"}}},
		},
	}
	info.MustComputeTokens(tokens.SingleModule("minio_", "index", tokens.MakeStandard("minio")))
	info.MustApplyAutoAliases()
	info.SetAutonaming(255, "-")

	tfbridge.Main("minio", version, info, []byte(fmt.Sprintf(`{"name":"minio","version":%q}`, version)))
}
