import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

/** In prod a topic survives the loss of a broker: three replicas, two in sync for every write. */
export function topicReplication(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "topic-replication",
    description: "Topics in prod have replication factor >= 3 and min.insync.replicas >= 2.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateResource: (args, reportViolation) => {
      if (args.type !== resourceTypes.kafkaTopic || configOf(args).environment !== "prod") {
        return;
      }
      const topic = args.props as Props;
      const replicationFactor = Number(topic.replicationFactor);
      if (!(replicationFactor >= 3)) {
        reportViolation(
          `Topic ${String(topic.name)} has replication factor ${String(topic.replicationFactor)}: prod topics need at least 3. Raise kg-rca-server:kafkaReplicationFactor.`,
        );
      }
      const minInsync = Number((topic.config as Props | undefined)?.["min.insync.replicas"]);
      if (!(minInsync >= 2)) {
        reportViolation(
          `Topic ${String(topic.name)} has min.insync.replicas ${Number.isNaN(minInsync) ? "unset" : minInsync}: prod topics need at least 2 so an acknowledged write survives a broker loss. Set kg-rca-server:kafkaMinInsyncReplicas.`,
        );
      }
    },
  };
}
