// pulumi-resource-hcloud: the Hetzner Cloud Terraform provider (SDKv2 and
// plugin-framework halves, muxed) served to the Pulumi engine through
// pulumi-terraform-bridge with @pulumi/hcloud's tokens
// (hcloud_server -> hcloud:index/server:Server).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hetznercloud/terraform-provider-hcloud/hcloud"
	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/x/muxer"
	"github.com/pulumi/pulumi-terraform-bridge/v3/unstable/metadata"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/hcloud version.
var version = "1.0.0"

func main() {
	ctx := context.Background()
	info := tfbridge.ProviderInfo{
		P:            pf.MuxShimWithPF(ctx, shimv2.NewProvider(hcloud.Provider()), hcloud.NewPluginProvider()),
		Name:         "hcloud",
		GitHubOrg:    "hetznercloud",
		Version:      version,
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Resources: map[string]*tfbridge.ResourceInfo{
			// Terraform sends alias_ips for every network; Pulumi programs may omit it.
			"hcloud_server": {PreCheckCallback: func(_ context.Context, config, _ resource.PropertyMap) (resource.PropertyMap, error) {
				nets, ok := config["networks"]
				if !ok || !nets.IsArray() {
					return config, nil
				}
				for _, n := range nets.ArrayValue() {
					if n.IsObject() {
						if _, has := n.ObjectValue()["aliasIps"]; !has {
							n.ObjectValue()["aliasIps"] = resource.NewProperty([]resource.PropertyValue{})
						}
					}
				}
				return config, nil
			}},
		},
	}
	info.MustComputeTokens(tokens.SingleModule("hcloud_", "index", tokens.MakeStandard("hcloud")))
	info.MustApplyAutoAliases()
	// Pulumi models every id as a string, whatever Terraform's type.
	info.P.ResourcesMap().Range(func(key string, r shim.Resource) bool {
		if id, ok := r.Schema().GetOk("id"); ok && id.Type() != shim.TypeString {
			ri := info.Resources[key]
			if ri.Fields == nil {
				ri.Fields = map[string]*tfbridge.SchemaInfo{}
			}
			ri.Fields["id"] = &tfbridge.SchemaInfo{Type: "string"}
		}
		return true
	})
	info.SetAutonaming(255, "-")

	// The muxer dispatches each token to the half that implements it; tfgen
	// normally stores that table in bridge-metadata.json, we compute it here.
	d, ok := info.P.(interface {
		ResolveDispatch(*tfbridge.ProviderInfo) (muxer.DispatchTable, error)
	})
	if !ok {
		fmt.Fprintln(os.Stderr, "hcloud: muxed provider cannot resolve its dispatch table")
		os.Exit(1)
	}
	table, err := d.ResolveDispatch(&info)
	if err == nil {
		err = metadata.Set(info.GetMetadata(), "mux", table)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "hcloud: %v\n", err)
		os.Exit(1)
	}

	pf.MainWithMuxer(ctx, "hcloud", info, []byte(fmt.Sprintf(`{"name":"hcloud","version":%q}`, version)))
}
