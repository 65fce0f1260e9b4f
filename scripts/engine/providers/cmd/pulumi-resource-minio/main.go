// pulumi-resource-minio: the MinIO Terraform provider (plugin SDK v2 only)
// served to the Pulumi engine through pulumi-terraform-bridge with
// @pulumi/minio's tokens (minio_s3_bucket -> minio:index/s3Bucket:S3Bucket)
// and field overrides, as pulumi-minio's provider/resources.go sets them.
//
// The Terraform provider is aminueza/terraform-provider-minio/v3 v3.3.0:
// @pulumi/minio 0.17.1 was built on v1.20.1, whose module .zip the proxy
// refuses. v3.3.0 keeps every resource and field 0.17.1 uses.
package main

import (
	"fmt"

	"github.com/aminueza/terraform-provider-minio/v3/minio"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/minio version.
var version = "0.1.0"

func main() {
	upstream := minio.Provider()
	// See bucketDelete.go: upstream's force-destroy of a non-empty bucket races with itself.
	upstream.ResourcesMap["minio_s3_bucket"].DeleteContext = deleteBucket
	info := tfbridge.ProviderInfo{
		P:            shimv2.NewProvider(upstream),
		Name:         "minio",
		GitHubOrg:    "aminueza",
		Version:      version,
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		// pulumi-minio also overrides minio_s3_bucket.quota with Type "number",
		// which only matters for the schema it generates SDKs from. At run time
		// that override makes the bridge hand quota back as a string (it only
		// coerces "int"/"float"/"bool" overrides), while without it TypeInt comes
		// back as the number the SDK declares; so it is left out here.
	}
	info.MustComputeTokens(tokens.SingleModule("minio_", "index", tokens.MakeStandard("minio")))
	info.MustApplyAutoAliases()
	info.SetAutonaming(255, "-")

	tfbridge.Main("minio", version, info, []byte(fmt.Sprintf(`{"name":"minio","version":%q}`, version)))
}
