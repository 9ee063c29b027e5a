import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

const kafkaProviderType = "pulumi:providers:kafka";

/** Listeners of a broker's server.properties whose protocol carries no TLS (`NAME:PLAINTEXT`, `NAME:SASL_PLAINTEXT`). */
export function plaintextListeners(serverProperties: string): string[] {
  const line = /^listener\.security\.protocol\.map=(.*)$/m.exec(serverProperties)?.[1] ?? "";
  return line
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => /:(SASL_)?PLAINTEXT$/.test(entry));
}

/**
 * In prod every Kafka hop is encrypted: no broker listener without TLS (tenants', in-cluster,
 * inter-broker, controller), and no admin connection of the engine without it.
 */
export function kafkaListenersTls(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "kafka-listeners-tls",
    description: "In prod, every Kafka listener is SASL_SSL and the engine's kafka provider uses TLS.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateResource: (args, reportViolation) => {
      if (configOf(args).environment !== "prod") {
        return;
      }
      const props = args.props as Props;
      if (args.type === resourceTypes.configMap) {
        const properties: unknown = ((props.data ?? {}) as Props)["server.properties"];
        const plaintext = typeof properties === "string" ? plaintextListeners(properties) : [];
        if (plaintext.length > 0) {
          reportViolation(
            `ConfigMap ${args.name} declares Kafka listeners without TLS in prod (${plaintext.join(", ")}): tenants' events and SCRAM exchanges would cross the network unencrypted. Set kg-rca-server:kafkaListenerProtocol to SASL_SSL.`,
          );
        }
      }
      if (args.type === kafkaProviderType && String(props.tlsEnabled) !== "true") {
        reportViolation(
          `Kafka provider ${args.name} connects without TLS in prod: the super-user's password would cross the network unencrypted. Set kg-rca-server:kafkaListenerProtocol to SASL_SSL.`,
        );
      }
    },
  };
}
