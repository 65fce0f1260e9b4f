// pulumi-resource-docker: the Docker Terraform provider (kreuzwerker) served to
// the Pulumi engine through pulumi-terraform-bridge with @pulumi/docker's
// tokens and field names, as pulumi-docker's provider/resources.go sets them
// (docker_container -> docker:index/container:Container, docker_image ->
// docker:index/remoteImage:RemoteImage, docker_config -> ServiceConfig).
//
// Upstream muxes its plugin SDK v2 provider with a plugin-framework one. The
// framework half holds only what @pulumi/docker does not expose (compose
// resources, the containers and registry-image-tags data sources, actions):
// pulumi-docker serves the SDK v2 half alone, and so does this main. Nor does
// it serve pulumi-docker's own native docker:index/image:Image (a build on the
// engine host); the bridged resources are all the project uses.
package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"

	"github.com/terraform-providers/terraform-provider-docker/frostbyteshim"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/docker version.
var version = "5.0.0"

func defaultDockerHost() string {
	if runtime.GOOS == "windows" {
		return "npipe:////./pipe/docker_engine"
	}
	return "unix:///var/run/docker.sock"
}

func main() {
	info := tfbridge.ProviderInfo{
		P:            shimv2.NewProvider(frostbyteshim.New(version)),
		Name:         "docker",
		GitHubOrg:    "kreuzwerker",
		Version:      version,
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Config: map[string]*tfbridge.SchemaInfo{
			"host": {Default: &tfbridge.DefaultInfo{
				EnvVars: []string{"DOCKER_HOST"},
				ComputeDefault: func(context.Context, tfbridge.ComputeDefaultOptions) (interface{}, error) {
					return defaultDockerHost(), nil
				},
			}},
			"registry_auth": {Name: "registryAuth", MaxItemsOne: tfbridge.False()},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"docker_config": {Tok: "docker:index/serviceConfig:ServiceConfig"},
			"docker_container": {
				Tok:                 "docker:index/container:Container",
				DeleteBeforeReplace: true,
				Fields: map[string]*tfbridge.SchemaInfo{
					"command":           {Name: "command"},
					"networks_advanced": {Name: "networksAdvanced"},
				},
			},
			"docker_image": {
				Tok:    "docker:index/remoteImage:RemoteImage",
				Fields: map[string]*tfbridge.SchemaInfo{"name": {Name: "name"}},
			},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"docker_image": {Tok: "docker:index/getRemoteImage:getRemoteImage"},
		},
	}
	info.MustComputeTokens(tokens.SingleModule("docker_", "index", tokens.MakeStandard("docker")))
	info.MustApplyAutoAliases()
	info.SetAutonaming(255, "-")

	tfbridge.Main("docker", version, info, []byte(fmt.Sprintf(`{"name":"docker","version":%q}`, version)))
}
