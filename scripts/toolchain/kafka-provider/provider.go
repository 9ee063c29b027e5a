package main

import (
	"github.com/Mongey/terraform-provider-kafka/kafka"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
)

// providerVersion is what the plugin reports; it must equal the version the
// @pulumi/kafka SDK asks for (node_modules/@pulumi/kafka/package.json).
const providerVersion = "3.13.2"

// envDefault describes a config default that the SDK also applies on its side.
func envDefault(value interface{}, envVars ...string) *tfbridge.SchemaInfo {
	return &tfbridge.SchemaInfo{Default: &tfbridge.DefaultInfo{Value: value, EnvVars: envVars}}
}

// providerInfo maps the Terraform provider onto the Pulumi package "kafka" so
// that tokens and property names are the ones the @pulumi/kafka SDK sends:
// kafka:index/topic:Topic, kafka:index/acl:Acl, kafka:index/quota:Quota,
// kafka:index/userScramCredential:UserScramCredential, kafka:index:getTopic(s).
// Property names follow from the Terraform names (snake_case -> camelCase).
func providerInfo() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(kafka.Provider()),
		Name:        "kafka",
		Version:     providerVersion,
		GitHubOrg:   "Mongey",
		Description: "Kafka resource provider (local build of the terraform-provider-kafka bridge).",
		License:     "Apache-2.0",
		Config: map[string]*tfbridge.SchemaInfo{
			// Same defaults and environment variables as the published SDK.
			"sasl_mechanism":  envDefault("plain", "KAFKA_SASL_MECHANISM"),
			"skip_tls_verify": envDefault(false, "KAFKA_SKIP_VERIFY"),
			"tls_enabled":     envDefault(true, "KAFKA_ENABLE_TLS"),
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			// resourceName/resourceType would clash with Pulumi's own resource
			// arguments, so the SDK exposes them as aclResourceName/aclResourceType.
			"kafka_acl": {
				Tok: "kafka:index/acl:Acl",
				Fields: map[string]*tfbridge.SchemaInfo{
					"resource_name": {Name: "aclResourceName"},
					"resource_type": {Name: "aclResourceType"},
				},
			},
		},
		// The SDK invokes data sources as kafka:index:getX, not the
		// kafka:index/getX:getX that the token strategy below would produce.
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"kafka_topic":  {Tok: "kafka:index:getTopic"},
			"kafka_topics": {Tok: "kafka:index:getTopics"},
		},
	}
	// Everything else: kafka_foo_bar -> kafka:index/fooBar:FooBar, all in the
	// "index" module (entries set above are kept as they are).
	info.MustComputeTokens(tokens.SingleModule("kafka_", "index", tokens.MakeStandard("kafka")))
	// Topic names become optional and auto-named (name-<random>), as in the SDK.
	info.SetAutonaming(255, "-")
	return info
}
