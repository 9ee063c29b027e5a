// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider.
//
// The provider's own cmd/pulumi-resource-kubernetes embeds schema-embed.json and
// terraform-mapping-embed.json, which its release build generates and which are
// therefore not in the module zip. scripts/toolchain.sh writes both files next
// to this one (from schema.json and terraform-mapping.json in the module cache,
// with the version set) and then builds this main, which makes the same call as
// the provider's own.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
