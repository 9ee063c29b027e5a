import type { DataPlaneAccess } from "../../config/types";
import { forwardPort } from "../shared/portForward";

/**
 * A server the program runs in the cluster (PostgreSQL, Neo4j), as the engine's dynamic providers
 * find it: names only, never a credential, so it can be a resource input.
 */
export interface ClusterEndpoint {
  readonly namespace: string;
  /** The Service, reached by its cluster DNS name when `access` is "direct". */
  readonly service: string;
  /** The pod a port-forward goes to ("port-forward" reaches a pod, never a Service). */
  readonly pod: string;
  readonly port: number;
  readonly access: DataPlaneAccess;
}

/** Where to connect for as long as the caller needs it; `close()` ends a port-forward. */
export interface OpenEndpoint {
  readonly host: string;
  readonly port: number;
  /** What messages name: the Service, or the pod through a port-forward. */
  readonly describe: string;
  close(): Promise<void>;
}

/**
 * Opens the way to an endpoint: with "port-forward", a local port tunnelled through the API
 * server of the engine's kubeconfig (KUBECONFIG, else ~/.kube/config), which is all a CI runner
 * outside the cluster has; with "direct", the Service's cluster name.
 *
 * Self-contained (dynamic providers serialize it): the client is required inside.
 */
export async function openClusterEndpoint(endpoint: ClusterEndpoint): Promise<OpenEndpoint> {
  if (endpoint.access === "direct") {
    return {
      host: `${endpoint.service}.${endpoint.namespace}.svc.cluster.local`,
      port: endpoint.port,
      describe: `${endpoint.service}.${endpoint.namespace}.svc.cluster.local:${endpoint.port}`,
      close: () => Promise.resolve(),
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const k8s = require("@kubernetes/client-node") as typeof import("@kubernetes/client-node");
  const kubeconfig = new k8s.KubeConfig();
  const describe = `pod ${endpoint.namespace}/${endpoint.pod}:${endpoint.port} through a port-forward`;
  try {
    kubeconfig.loadFromDefault();
  } catch (err) {
    throw new Error(`cannot reach ${describe}: no usable kubeconfig (KUBECONFIG): ${(err as Error).message}`);
  }
  const forwarding = await forwardPort(new k8s.PortForward(kubeconfig), endpoint);
  return {
    host: "127.0.0.1",
    port: forwarding.localPort,
    describe: `${describe} of ${kubeconfig.getCurrentCluster()?.server ?? "the cluster"}`,
    close: () => forwarding.close(),
  };
}

/** Whether two recorded connections name the same way in, whatever the order of their keys. */
export function sameConnection(a: object | undefined, b: object | undefined): boolean {
  const canonical = (value: object | undefined): string =>
    JSON.stringify(
      value === undefined ? null : Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1))),
    );
  return canonical(a) === canonical(b);
}
