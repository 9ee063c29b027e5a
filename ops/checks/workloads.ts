import { openKubernetes } from "../connections/kubernetes";
import { error, Finding, ok, warning } from "../findings";
import { HealthCheck } from "../context";

export interface WorkloadState {
  /** "Deployment/kg-api" */
  readonly name: string;
  readonly desired: number;
  readonly ready: number;
}

export function judgeWorkloads(namespace: string, workloads: readonly WorkloadState[]): Finding {
  if (workloads.length === 0) {
    return warning("0 workloads", `no Deployment or StatefulSet in namespace ${namespace}: is the stack deployed?`);
  }
  const notReady = workloads.filter((w) => w.ready < w.desired);
  const figure = `${workloads.length - notReady.length}/${workloads.length} ready`;
  if (notReady.length > 0) {
    const list = notReady.map((w) => `${w.name} ${w.ready}/${w.desired}`).join(", ");
    return error(figure, `not ready: ${list}`);
  }
  return ok(figure, `every Deployment and StatefulSet in ${namespace} has all its replicas ready`);
}

/** A Deployment or StatefulSet as the check reads it. */
interface Workload {
  readonly metadata?: { readonly name?: string };
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly readyReplicas?: number };
}

function stateOf(kind: string, item: Workload): WorkloadState {
  return {
    name: `${kind}/${item.metadata?.name ?? ""}`,
    // The API server defaults replicas to 1 when the spec leaves it out.
    desired: item.spec?.replicas ?? 1,
    ready: item.status?.readyReplicas ?? 0,
  };
}

export const workloadsCheck: HealthCheck = {
  name: "workloads",
  measures: "Deployments and StatefulSets of the namespace with fewer ready replicas than desired",
  run: async (context, scope) => {
    const kube = openKubernetes(context.env, context.timeoutMs);
    scope.onClose(() => {
      kube.close();
    });
    const namespace = context.config.namespace;
    const [deployments, statefulSets] = await Promise.all([
      kube.apps.listNamespacedDeployment({ namespace }),
      kube.apps.listNamespacedStatefulSet({ namespace }),
    ]);
    const workloads = [
      ...deployments.items.map((item) => stateOf("Deployment", item)),
      ...statefulSets.items.map((item) => stateOf("StatefulSet", item)),
    ];
    return judgeWorkloads(namespace, workloads);
  },
};
