// Package frostbyteshim exposes the Docker Terraform provider's plugin SDK v2
// provider to the bridge (see go.mod for why it is here).
package frostbyteshim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	upstream "github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// New returns the upstream provider's SDK v2 half, reporting version.
func New(version string) *schema.Provider { return upstream.New(version)() }
