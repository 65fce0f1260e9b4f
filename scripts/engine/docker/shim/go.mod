// The Docker Terraform provider keeps its provider under internal/, so only a
// package whose import path starts with its module path
// (github.com/terraform-providers/terraform-provider-docker, what its go.mod
// declares) may import it; this tiny module exists for that reason alone.
module github.com/terraform-providers/terraform-provider-docker/frostbyteshim

go 1.25.11
