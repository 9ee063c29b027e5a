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
  /**
   * @param guard the guard whose inputs these are: each output waits for its registration, so
   * when the guard refuses a change the record is never rewritten and the state stays as it was.
   */
  constructor(
    name: string,
    guard: pulumi.Resource,
    inputs: { [K in keyof RecordedGuardInputs]: pulumi.Input<RecordedGuardInputs[K]> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kg-rca:platform:GuardRecord", name, {}, opts);
    const accepted = <T>(value: pulumi.Input<T>): pulumi.Output<T> =>
      pulumi.all([guard.urn, value]).apply(([, resolved]) => resolved as T);
    this.registerOutputs({
      clients: accepted(inputs.clients),
      kafkaBrokers: accepted(inputs.kafkaBrokers),
      kafkaDiskUsageRatio: accepted(inputs.kafkaDiskUsageRatio),
      platformKafka: accepted(inputs.platformKafka),
    });
  }
}
