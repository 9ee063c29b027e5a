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

interface WorkloadList {
  readonly items?: readonly {
    metadata: { name: string };
    spec?: { replicas?: number };
    status?: { readyReplicas?: number };
  }[];
}

export const workloadsCheck: HealthCheck = {
  name: "workloads",
  measures: "Deployments and StatefulSets of the namespace with fewer ready replicas than desired",
  run: async (context) => {
    const kube = openKubernetes(context.env, context.timeoutMs);
    const ns = context.config.namespace;
    const kinds = [
      { kind: "Deployment", path: `/apis/apps/v1/namespaces/${ns}/deployments` },
      { kind: "StatefulSet", path: `/apis/apps/v1/namespaces/${ns}/statefulsets` },
    ];
    const lists = await Promise.all(
      kinds.map(async (k) => ({ kind: k.kind, list: (await kube.get(k.path)) as WorkloadList })),
    );
    const workloads = lists.flatMap(({ kind, list }) =>
      (list.items ?? []).map((item) => ({
        name: `${kind}/${item.metadata.name}`,
        // The API server defaults replicas to 1 when the spec leaves it out.
        desired: item.spec?.replicas ?? 1,
        ready: item.status?.readyReplicas ?? 0,
      })),
    );
    return judgeWorkloads(ns, workloads);
  },
};
