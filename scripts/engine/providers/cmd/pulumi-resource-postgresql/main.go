// pulumi-resource-postgresql: the PostgreSQL Terraform provider served to the
// Pulumi engine through pulumi-terraform-bridge with @pulumi/postgresql's tokens
// (postgresql_role -> postgresql:index/role:Role) and its provider overrides.
//
// The Terraform provider is terraform-providers/terraform-provider-postgresql
// v1.7.1 (Terraform plugin SDK v1, bridged with the bridge's sdk-v1 shim), the
// newest the Go module proxy serves: @pulumi/postgresql 3.18.1 was built on
// cyrilgdn/terraform-provider-postgresql, which the proxy serves in no version.
// What v1.7.1 lacks is listed in scripts/engine/README.md; grant.go re-implements
// database grants so privileges = [] and role = "public" work.
package main

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-sdk/helper/schema"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv1 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v1"
	"github.com/terraform-providers/terraform-provider-postgresql/postgresql"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/postgresql version.
var version = "3.0.0"

func main() {
	tf := postgresql.Provider().(*schema.Provider)
	patchGrant(tf)

	info := tfbridge.ProviderInfo{
		P:            shimv1.NewProvider(tf),
		Name:         "postgresql",
		GitHubOrg:    "cyrilgdn",
		Version:      version,
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		// As pulumi-postgresql's provider/resources.go.
		Config: map[string]*tfbridge.SchemaInfo{
			"sslmode":         {Default: &tfbridge.DefaultInfo{EnvVars: []string{"PGSSLMODE"}}},
			"connect_timeout": {Default: &tfbridge.DefaultInfo{EnvVars: []string{"PGCONNECT_TIMEOUT"}, Value: 180}},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"postgresql_grant": {Tok: "postgresql:index/grant:Grant", DeleteBeforeReplace: true},
		},
	}
	// DefaultPrivileges, with the older DefaultPrivileg token kept as a deprecated twin.
	info.RenameResourceWithAlias("postgresql_default_privileges",
		"postgresql:index/defaultPrivileg:DefaultPrivileg", "postgresql:index/defaultPrivileges:DefaultPrivileges",
		"index", "index", nil)
	info.MustComputeTokens(tokens.SingleModule("postgresql_", "index", tokens.MakeStandard("postgresql")))
	info.SetAutonaming(255, "-")

	tfbridge.Main("postgresql", version, info, []byte(fmt.Sprintf(`{"name":"postgresql","version":%q}`, version)))
}
