// pulumi-resource-random: the random Terraform provider (plugin framework)
// served to the Pulumi engine through pulumi-terraform-bridge. Resource
// tokens follow @pulumi/random: random_password -> random:index/randomPassword:RandomPassword.
package main

import (
	"context"
	"errors"
	"fmt"

	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/terraform-providers/terraform-provider-random/frostbyteshim"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/random version.
var version = "4.0.0"

func main() {
	info := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(frostbyteshim.New()),
		Name:         "random",
		Version:      version,
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Resources: map[string]*tfbridge.ResourceInfo{
			// State written by schema version 0 is read unchanged by version 1.
			"random_string": {PreStateUpgradeHook: func(a tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
				if a.PriorStateSchemaVersion == 0 {
					return 1, a.PriorState, nil
				}
				return a.PriorStateSchemaVersion, a.PriorState, nil
			}},
			// RandomBytes has no id attribute of its own: its id is its base64 value.
			"random_bytes": {ComputeID: func(_ context.Context, st resource.PropertyMap) (resource.ID, error) {
				v, ok := st["base64"]
				if !ok {
					return "", errors.New("random_bytes: no base64 in state")
				}
				if v.IsSecret() {
					v = v.SecretValue().Element
				}
				if !v.IsString() {
					return "", fmt.Errorf("random_bytes: base64 is %v, not a string", v.TypeString())
				}
				return resource.ID(v.StringValue()), nil
			}},
		},
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
	}
	info.MustComputeTokens(tokens.SingleModule("random_", "index",
		func(module, name string) (string, error) { return tokens.MakeStandard("random")(module, "Random"+name) }))
	info.MustApplyAutoAliases()

	pf.Main(context.Background(), "random", info, pf.ProviderMetadata{PackageSchema: minimalSchema("random")})
}

func minimalSchema(name string) []byte {
	return []byte(fmt.Sprintf(`{"name":%q,"version":%q}`, name, version))
}
