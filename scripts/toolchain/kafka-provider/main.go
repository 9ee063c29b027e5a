// Command pulumi-resource-kafka serves the Kafka resource provider to the
// Pulumi engine.
//
// The upstream plugin embeds a schema.json produced by a separate tfgen step.
// Here the same binary can produce it: `pulumi-resource-kafka --emit-schema`
// prints the Pulumi schema derived from providerInfo(). kafka-provider.sh
// builds once with a placeholder schema.json, runs --emit-schema, and builds
// again so that the served schema (GetSchema) is the real one.
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
)

//go:embed schema.json
var pulumiSchema []byte

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--emit-schema" {
		if err := emitSchema(); err != nil {
			fmt.Fprintf(os.Stderr, "emit schema: %v\n", err)
			os.Exit(1)
		}
		return
	}
	tfbridge.Main("kafka", providerVersion, providerInfo(), pulumiSchema)
}

func emitSchema() error {
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	res, err := tfgen.GenerateSchemaWithOptions(tfgen.GenerateSchemaOptions{
		ProviderInfo:    providerInfo(),
		DiagnosticsSink: sink,
		// Use only the descriptions inside the Terraform schema; do not look
		// for the upstream repository's markdown docs (not available offline).
		XInMemoryDocs: true,
	})
	if err != nil {
		return err
	}
	spec := res.PackageSpec
	spec.Version = providerVersion
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
