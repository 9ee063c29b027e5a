/**
 * Reads one key of a Kubernetes Secret with the kubeconfig of the process that
 * runs the engine (KUBECONFIG, else ~/.kube/config). Dynamic providers call it
 * at run time to learn a password the program generated, so the password never
 * becomes an input, an output or an environment variable of the deployment.
 *
 * Self-contained (dynamic providers serialize it): the client is required inside.
 */
export async function readClusterSecret(namespace: string, secretName: string, key: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const where = `Secret ${namespace}/${secretName}`;
  const kubeconfig = new k8s.KubeConfig();
  try {
    kubeconfig.loadFromDefault();
  } catch (err) {
    throw new Error(`cannot read ${where}: no usable kubeconfig (KUBECONFIG): ${(err as Error).message}`);
  }
  let secret: import("@kubernetes/client-node").V1Secret;
  try {
    secret = await kubeconfig.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name: secretName, namespace });
  } catch (err) {
    throw new Error(
      `cannot read ${where} through ${kubeconfig.getCurrentCluster()?.server ?? "the cluster"}: ${(err as Error).message}`,
    );
  }
  const encoded = secret.data?.[key];
  if (encoded === undefined) {
    throw new Error(`${where} has no key "${key}"`);
  }
  return Buffer.from(encoded, "base64").toString("utf8");
}
