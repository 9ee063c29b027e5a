import * as k8s from "@pulumi/kubernetes";

/** How often a starting container is checked: the most a pod's start waits past the moment it serves. */
export const startupProbePeriodSeconds = 2;

/** A probe's check: the handler part of a Probe (tcpSocket, httpGet or exec). */
export type ProbeCheck = Pick<k8s.types.input.core.v1.Probe, "tcpSocket" | "httpGet" | "exec">;

/**
 * A startup probe that checks every 2 s and allows up to `maxStartSeconds` before the kubelet
 * restarts the container. The readiness and liveness probes wait for it, and the kubelet runs the
 * readiness probe as soon as it passes, so a pod is Ready within 2 s of serving. A 10 s period
 * would add up to 10 s to every start, and a roll restarts the pods of a StatefulSet one after
 * another: five brokers would wait up to 50 s more per roll. The check is as cheap as the
 * readiness probe's, and it stops once the container has started.
 */
export function startupProbe(check: ProbeCheck, maxStartSeconds: number): k8s.types.input.core.v1.Probe {
  return {
    ...check,
    periodSeconds: startupProbePeriodSeconds,
    failureThreshold: Math.ceil(maxStartSeconds / startupProbePeriodSeconds),
  };
}
