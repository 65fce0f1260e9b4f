// Package frostbyteshim exposes the random Terraform provider's
// plugin-framework provider to the bridge (see go.mod for why it is here).
package frostbyteshim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// New returns the upstream random provider.
func New() provider.Provider { return upstream.New() }
