/**
 * The replica count of a Deployment over time, as the API reports it: the count its HPA asked for
 * (`spec.replicas`) and the pods actually Ready, polled every second. The autoscaling suite judges
 * what the HPA did, and when, from these samples rather than from the HPA's own status.
 */
import { namespace, NodeCluster } from "./nodeCluster";

export interface ReplicaSample {
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** The Deployment's `spec.replicas`: what its HPA set. */
  readonly desired: number;
  /** Pods of the Deployment that are Ready and not being deleted. */
  readonly ready: number;
}

export class ReplicaTimeline {
  readonly samples: ReplicaSample[] = [];
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly cluster: NodeCluster,
    private readonly deployment: string,
    /** The label selector of the Deployment's pods. */
    private readonly podSelector: string,
  ) {}

  start(): void {
    this.polling = this.poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.polling;
  }

  /** The latest sample, once there is one. */
  get last(): ReplicaSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** The first sample at or after `since` that satisfies `holds`. */
  firstAfter(since: number, holds: (s: ReplicaSample) => boolean): ReplicaSample | undefined {
    return this.samples.find((s) => s.at >= since && holds(s));
  }

  /** Waits until a sample taken at or after `since` satisfies `holds`, and returns it. */
  async waitFor(
    what: string,
    since: number,
    holds: (s: ReplicaSample) => boolean,
    timeoutMs: number,
  ): Promise<ReplicaSample> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.firstAfter(since, holds);
      if (found !== undefined) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; last sample: ${JSON.stringify(this.last)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const sample = await this.sample().catch(() => undefined);
      if (sample !== undefined) {
        this.samples.push(sample);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  private async sample(): Promise<ReplicaSample> {
    const at = Date.now();
    const deployment = await this.cluster.apps().readNamespacedDeployment({ name: this.deployment, namespace });
    const pods = await this.cluster.core().listNamespacedPod({ namespace, labelSelector: this.podSelector });
    const ready = pods.items.filter(
      (p) =>
        p.metadata?.deletionTimestamp === undefined &&
        (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    ).length;
    return { at, desired: deployment.spec?.replicas ?? 0, ready };
  }
}
