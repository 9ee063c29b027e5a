/**
 * Reads one key of a Kubernetes Secret or ConfigMap with the kubeconfig of the process that runs
 * the engine (KUBECONFIG, else ~/.kube/config). Dynamic providers call these at run time to learn
 * a password the program generated (so it never becomes an input, an output or an environment
 * variable of the deployment) and the CA a server's certificate chains to.
 *
 * Self-contained (dynamic providers serialize them): the client is required inside.
 */
export async function readClusterSecret(namespace: string, secretName: string, key: string): Promise<string> {
  const encoded = await readClusterObjectKey("Secret", namespace, secretName, key);
  return Buffer.from(encoded, "base64").toString("utf8");
}

export function readClusterConfigMap(namespace: string, configMapName: string, key: string): Promise<string> {
  return readClusterObjectKey("ConfigMap", namespace, configMapName, key);
}

async function readClusterObjectKey(
  kind: "Secret" | "ConfigMap",
  namespace: string,
  name: string,
  key: string,
): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const where = `${kind} ${namespace}/${name}`;
  const kubeconfig = new k8s.KubeConfig();
  try {
    kubeconfig.loadFromDefault();
  } catch (err) {
    throw new Error(`cannot read ${where}: no usable kubeconfig (KUBECONFIG): ${(err as Error).message}`);
  }
  let data: Record<string, string> | undefined;
  try {
    const core = kubeconfig.makeApiClient(k8s.CoreV1Api);
    data =
      kind === "Secret"
        ? (await core.readNamespacedSecret({ name, namespace })).data
        : (await core.readNamespacedConfigMap({ name, namespace })).data;
  } catch (err) {
    throw new Error(
      `cannot read ${where} through ${kubeconfig.getCurrentCluster()?.server ?? "the cluster"}: ${(err as Error).message}`,
    );
  }
  const value = data?.[key];
  if (value === undefined) {
    throw new Error(`${where} has no key "${key}"`);
  }
  return value;
}
