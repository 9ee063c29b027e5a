import * as pulumi from "@pulumi/pulumi";

import type { GuardInputs } from "./platformGuard";

/** The guard's inputs the policy pack reads. */
export type RecordedGuardInputs = Pick<
  GuardInputs,
  "clients" | "kafkaBrokers" | "kafkaDiskUsageRatio" | "platformKafka"
>;

/**
 * What the guard is given that the policy pack reads, recorded where the pack sees it current. A
 * stack policy sees each resource's outputs, and a custom resource's outputs change only when the
 * resource is created or updated. The guard's diff ignores the registry (an onboarding must
 * preview as the client's creates alone), so its outputs keep the registry of its last real
 * update: a client added since would be unknown to the policies. A component's outputs are set on
 * every run, previews included, so this record always holds the inputs of the run being checked.
 */
export class GuardRecord extends pulumi.ComponentResource {
  constructor(
    name: string,
    inputs: { [K in keyof RecordedGuardInputs]: pulumi.Input<RecordedGuardInputs[K]> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kg-rca:platform:GuardRecord", name, {}, opts);
    this.registerOutputs({
      clients: inputs.clients,
      kafkaBrokers: inputs.kafkaBrokers,
      kafkaDiskUsageRatio: inputs.kafkaDiskUsageRatio,
      platformKafka: inputs.platformKafka,
    });
  }
}
