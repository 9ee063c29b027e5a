import { strict as assert } from "assert";
import * as k8s from "@kubernetes/client-node";

import { CpuLoad } from "./cpuLoad";
import { namespace, NodeCluster } from "./nodeCluster";
import { ReplicaTimeline } from "./replicaTimeline";
import { SharedNode, sharedNode } from "./sharedNode";

const deployment = "graph-builder";
const podSelector = "app=graph-builder";
const minReplicas = 1;
const maxReplicas = 3;
/** Short enough for a quick suite, long enough to tell a held scale-down from an immediate one. */
const windowSeconds = 45;
/**
 * The wiring probe idles at about 30m of CPU. Against Pulumi.local.yaml's 100m request that is near
 * half the 70% target, so two or three idle pods step down one replica per window (or hover); against
 * 200m any idle count falls straight back to one, while the busy loop at the 500m limit still asks
 * for the maximum.
 */
const cpuRequest = "200m";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

describe("autoscaling on the node: graph-builder's HPA on metrics-server's CPU figures", function () {
  this.timeout(40 * 60 * 1000);
  let stack: SharedNode["stack"];
  let cluster: NodeCluster;
  /** Stopped by `after` too, should the test fail while it polls. */
  let timelineOfRun: ReplicaTimeline | undefined;
  /** Reaction times, printed at the end for the record. */
  const reactions: Record<string, string> = {};

  const hpa = (): Promise<k8s.V2HorizontalPodAutoscaler> =>
    cluster.kube
      .makeApiClient(k8s.AutoscalingV2Api)
      .readNamespacedHorizontalPodAutoscaler({ name: deployment, namespace });

  const readyPods = async (): Promise<string[]> => {
    const pods = await cluster.core().listNamespacedPod({ namespace, labelSelector: podSelector });
    // A pod the scale-down is removing still reads Ready until the kubelet reports it stopped: load
    // put into it would vanish with it, and the HPA would never scale (a CI run timed out so).
    return pods.items
      .filter((p) => p.metadata?.deletionTimestamp === undefined)
      .filter((p) => (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"))
      .map((p) => p.metadata?.name ?? "");
  };

  before(async function () {
    ({ stack, cluster } = await sharedNode());
    await stack.setConfig({
      graphBuilderMinReplicas: String(minReplicas),
      graphBuilderMaxReplicas: String(maxReplicas),
      graphBuilderScaleDownStabilizationSeconds: String(windowSeconds),
      graphBuilderCpuRequest: cpuRequest,
    });
    await stack.update();
  });

  after(async () => {
    await timelineOfRun?.stop();
    console.log(`      reaction times (stabilization window ${windowSeconds} s):`, reactions);
  });

  it("the stack's bounds and window reach the HPA, and the CPU request the Deployment", async () => {
    const spec = (await hpa()).spec;
    assert.equal(spec?.minReplicas, minReplicas);
    assert.equal(spec.maxReplicas, maxReplicas);
    assert.equal(spec.behavior?.scaleDown?.stabilizationWindowSeconds, windowSeconds);
    const pods = (await cluster.apps().readNamespacedDeployment({ name: deployment, namespace })).spec?.template;
    assert.equal(pods?.spec?.containers[0]?.resources?.requests?.cpu, cpuRequest);
  });

  it("metrics-server serves the pods' CPU through the API, and the HPA reads it", async () => {
    const metrics = new k8s.Metrics(cluster.kube);
    await cluster.waitFor(
      "CPU figures of the graph-builder pod",
      async () =>
        (await metrics.getPodMetrics(namespace)).items.some(
          (p) => p.metadata.name.startsWith(`${deployment}-`) && p.containers.some((c) => c.usage.cpu !== ""),
        ),
      120000,
    );
    await cluster.waitFor(
      "the HPA computing its CPU utilization",
      async () =>
        (await hpa()).status?.conditions?.some((c) => c.type === "ScalingActive" && c.status === "True") === true,
      120000,
    );
  });

  it(`CPU load scales graph-builder above ${minReplicas} and no further than ${maxReplicas}; it returns to ${minReplicas} only after the ${windowSeconds} s window`, async () => {
    const timeline = new ReplicaTimeline(cluster, deployment, podSelector);
    timelineOfRun = timeline;
    timeline.start();
    // Start from the floor: the pods' start-up may have pushed the HPA up, and that must have settled.
    await timeline.waitFor(
      `${deployment} at ${minReplicas} replica`,
      0,
      (s) => s.desired === minReplicas && s.ready === minReplicas,
      (2 * windowSeconds + 240) * 1000,
    );
    const [pod] = await readyPods();
    assert.ok(pod !== undefined, "no Ready graph-builder pod");

    const load = new CpuLoad(cluster, pod, deployment);
    const loadStart = Date.now();
    load.start();
    const scaledUp = await timeline
      .waitFor("the HPA to raise the replica count", loadStart, (s) => s.desired > minReplicas, 300000)
      .catch(async (err: unknown) => {
        // What the HPA saw: its metric and conditions say whether the load reached it.
        const status = (await hpa()).status;
        throw new Error(
          `${(err as Error).message}; loaded pod ${pod}; HPA status ${JSON.stringify({ current: status?.currentMetrics, conditions: status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason ?? ""}: ${c.message ?? ""}`) })}`,
        );
      });
    const readyUp = await timeline.waitFor(
      "more Ready pods than the minimum",
      loadStart,
      (s) => s.ready > minReplicas && s.ready === s.desired,
      300000,
    );
    reactions["load start -> replicas raised"] = seconds(scaledUp.at - loadStart);
    reactions["load start -> extra pods Ready"] = seconds(readyUp.at - loadStart);
    reactions["replicas under load"] = String(readyUp.desired);

    const loadEnd = Date.now();
    load.stop();
    const atLoadEnd = timeline.last?.desired ?? 0;
    const scaledDown = await timeline.waitFor(
      `${deployment} back at ${minReplicas}`,
      loadEnd,
      (s) => s.desired === minReplicas,
      (windowSeconds + 300) * 1000,
    );
    const readyDown = await timeline.waitFor(
      `${minReplicas} Ready pod left`,
      scaledDown.at,
      (s) => s.ready === minReplicas,
      120000,
    );
    await timeline.stop();
    reactions["load end -> replicas lowered"] = seconds(scaledDown.at - loadEnd);
    reactions["load end -> extra pods gone"] = seconds(readyDown.at - loadEnd);

    const samples = timeline.samples.filter((s) => s.at >= loadStart);
    reactions["load ran for"] = seconds(loadEnd - loadStart);
    reactions["replica count set (since load start)"] = samples
      .filter((s, i) => i > 0 && s.desired !== samples[i - 1]?.desired)
      .map((s) => `${s.desired} at ${seconds(s.at - loadStart)}`)
      .join(", ");
    const highest = Math.max(...samples.map((s) => Math.max(s.desired, s.ready)));
    assert.ok(highest <= maxReplicas, `${highest} replicas, above the maximum ${maxReplicas}`);
    // The window holds the highest recommendation of its span: the load's lasted at least until it
    // ended, so nothing may go before the window has passed since then.
    const early = samples.find(
      (s) => s.at >= loadEnd && s.at < loadEnd + windowSeconds * 1000 && s.desired < atLoadEnd,
    );
    assert.equal(
      early,
      undefined,
      `scaled down ${early === undefined ? 0 : seconds(early.at - loadEnd)} after the load ended`,
    );
    assert.ok(scaledDown.at - loadEnd >= windowSeconds * 1000, "scaled down inside the stabilization window");
  });
});
