import { EnforcementLevel, StackValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

/** Partition replicas each broker would carry if the stack's topics were spread evenly. */
export function partitionReplicasPerBroker(topics: readonly Props[], brokers: number): number {
  const replicas = topics.reduce((sum, t) => sum + Number(t.partitions) * Number(t.replicationFactor), 0);
  return Math.ceil(replicas / brokers);
}

/** Capacity planning as a check: the stack's topics must fit the brokers it declares. */
export function partitionsPerBroker(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "partitions-per-broker",
    description: "Total partition replicas per broker stay under the configured ceiling.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateStack: (args, reportViolation) => {
      const kafka = args.resources.find(
        (r) =>
          r.type === resourceTypes.statefulSet && ((r.props as Props).metadata as Props | undefined)?.name === "kafka",
      );
      const brokers = Number(((kafka?.props as Props | undefined)?.spec as Props | undefined)?.replicas);
      if (!(brokers > 0)) {
        return;
      }
      const topics = args.resources.filter((r) => r.type === resourceTypes.kafkaTopic).map((r) => r.props as Props);
      const perBroker = partitionReplicasPerBroker(topics, brokers);
      const ceiling = configOf(args).maxPartitionReplicasPerBroker;
      if (perBroker > ceiling) {
        const needed = Math.ceil((perBroker * brokers) / ceiling);
        reportViolation(
          `${topics.length} topics put ${perBroker} partition replicas on each of ${brokers} brokers, above the ceiling of ${ceiling}. Raise kg-rca-server:kafkaBrokers to at least ${needed}, or move clients to plans with fewer partitions.`,
        );
      }
    },
  };
}
