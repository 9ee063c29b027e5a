/** Reads what the program created straight from the API server, by Pulumi type token, through client-node. */
import { loadKubeconfig } from "../../ops/connections/kubeconfig";
import { KubeApiError, KubeClient, kubeClient } from "../../ops/connections/kubernetes";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;

/** apiVersion and kind of a Pulumi Kubernetes type token, e.g. "kubernetes:apps/v1:StatefulSet". */
export function kindOf(type: string): { apiVersion: string; kind: string } {
  const match = /^kubernetes:([^/]+)\/(v\w+):(\w+)$/.exec(type);
  if (match === null) {
    throw new Error(`not a Kubernetes type token: ${type}`);
  }
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  return { apiVersion: group === "core" ? version : `${group}/${version}`, kind };
}

export class KubeApi {
  private readonly client: KubeClient;

  constructor(kubeconfigPath: string) {
    this.client = kubeClient(loadKubeconfig(kubeconfigPath), 15000);
  }

  /** An object by type token, namespace (undefined for cluster-wide kinds) and name; undefined when absent. */
  async get(type: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.client.objects.read({ ...kindOf(type), metadata: { name, namespace } });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) {
        return undefined;
      }
      throw err;
    }
  }

  async mustGet(type: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    const found = await this.get(type, namespace, name);
    if (found === undefined) {
      throw new Error(`${type} ${namespace ?? ""}/${name} does not exist in the API server`);
    }
    return found;
  }

  /** Every object of a kind in a namespace. */
  async list(type: string, namespace: string): Promise<KubeObject[]> {
    const { apiVersion, kind } = kindOf(type);
    return (await this.client.objects.list(apiVersion, kind, namespace)).items;
  }
}
