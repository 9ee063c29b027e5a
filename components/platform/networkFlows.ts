import { NetworkConfig } from "../../config";
import { appNameLabel } from "../shared/kubernetesMeta";

/**
 * Who may talk to whom in the platform's namespace: the allow-list its NetworkPolicies are built
 * from. Pure data, derived from the components' names and ports, so it is tested without an engine.
 */

/** The app name (label `app.kubernetes.io/name`) of each of the platform's workloads. */
export interface PlatformWorkloads {
  readonly kafka: string;
  readonly neo4j: string;
  readonly postgresql: string;
  readonly graphBuilder: string;
  readonly kgApi: string;
  readonly maintenancePage: string;
  readonly backupJobs: string;
}

/** The ports each workload listens on, as the components declare them. */
export interface PlatformPorts {
  readonly kafka: {
    readonly client: number;
    readonly controller: number;
    readonly internal: number;
    readonly external: number;
  };
  readonly neo4j: { readonly bolt: number; readonly cluster: number; readonly raft: number; readonly backup: number };
  readonly postgresql: number;
  readonly kgApi: number;
  readonly graphBuilderMetrics: number;
  readonly maintenancePage: number;
}

/** Pods of the namespace by app, pods of another namespace, or addresses outside the cluster. */
export type Peer = { readonly app: string } | { readonly namespace: string } | { readonly cidr: string };

export interface Port {
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
}

export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  readonly ports: readonly Port[];
}

const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ port, protocol: "TCP" }));

/** Anywhere: the S3 endpoint and the tenants are outside the cluster, at addresses nobody can list in advance. */
export const anyAddress = "0.0.0.0/0";

/** The port of an S3 endpoint URL (http://host:port), or HTTPS's when it names none or is unset. */
export function s3EndpointPort(endpoint: string | undefined): number {
  if (endpoint === undefined) {
    return 443;
  }
  const url = new URL(endpoint);
  return url.port !== "" ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
}

/**
 * Every allowed flow: servers with their own peers (brokers with brokers, Neo4j servers with each
 * other), each client with the servers it uses, the ingress controller with kg-api and the
 * maintenance page, Prometheus with the workloads' metrics, the backup jobs with the databases and
 * S3, and the configured operator ranges with the admin endpoints. DNS is allowed to every pod
 * separately.
 */
export function platformFlows(
  w: PlatformWorkloads,
  ports: PlatformPorts,
  network: NetworkConfig,
  s3Endpoint: string | undefined,
): Flow[] {
  const app = (name: string): Peer => ({ app: name });
  const kafka = ports.kafka;
  const neo4j = ports.neo4j;
  return [
    // The brokers' own listeners; the rebalance Jobs carry the brokers' app name and use the client one.
    { from: app(w.kafka), to: app(w.kafka), ports: tcp(kafka.client, kafka.controller, kafka.internal) },
    { from: app(w.neo4j), to: app(w.neo4j), ports: tcp(neo4j.bolt, neo4j.cluster, neo4j.raft) },
    // Tenants, and the engine's provider, come from anywhere outside, to the tenants' listener only.
    { from: { cidr: anyAddress }, to: app(w.kafka), ports: tcp(kafka.external) },
    { from: app(w.graphBuilder), to: app(w.kafka), ports: tcp(kafka.client) },
    { from: app(w.graphBuilder), to: app(w.neo4j), ports: tcp(neo4j.bolt) },
    { from: app(w.kgApi), to: app(w.neo4j), ports: tcp(neo4j.bolt) },
    { from: app(w.kgApi), to: app(w.postgresql), ports: tcp(ports.postgresql) },
    { from: app(w.backupJobs), to: app(w.neo4j), ports: tcp(neo4j.backup) },
    { from: app(w.backupJobs), to: app(w.postgresql), ports: tcp(ports.postgresql) },
    { from: app(w.backupJobs), to: { cidr: anyAddress }, ports: tcp(s3EndpointPort(s3Endpoint)) },
    { from: { namespace: network.ingressControllerNamespace }, to: app(w.kgApi), ports: tcp(ports.kgApi) },
    {
      from: { namespace: network.ingressControllerNamespace },
      to: app(w.maintenancePage),
      ports: tcp(ports.maintenancePage),
    },
    { from: { namespace: network.monitoringNamespace }, to: app(w.kgApi), ports: tcp(ports.kgApi) },
    {
      from: { namespace: network.monitoringNamespace },
      to: app(w.graphBuilder),
      ports: tcp(ports.graphBuilderMetrics),
    },
    ...network.operatorCidrs.flatMap((cidr): Flow[] => [
      { from: { cidr }, to: app(w.kafka), ports: tcp(kafka.client) },
      { from: { cidr }, to: app(w.neo4j), ports: tcp(neo4j.bolt) },
      { from: { cidr }, to: app(w.postgresql), ports: tcp(ports.postgresql) },
    ]),
  ];
}

/** The selector of one workload's pods. */
export function appSelector(app: string): { matchLabels: Record<string, string> } {
  return { matchLabels: { [appNameLabel]: app } };
}

/** A NetworkPolicy peer for the Kubernetes API. */
export function policyPeer(peer: Peer): Record<string, unknown> {
  if ("app" in peer) {
    return { podSelector: appSelector(peer.app) };
  }
  if ("namespace" in peer) {
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } } };
  }
  return { ipBlock: { cidr: peer.cidr } };
}

export interface AppPolicy {
  readonly app: string;
  readonly ingress: { from: Record<string, unknown>[]; ports: Port[] }[];
  readonly egress: { to: Record<string, unknown>[]; ports: Port[] }[];
}

/** One policy per workload: its allowed ingress and egress rules, in the flows' order. */
export function appPolicies(workloads: PlatformWorkloads, flows: readonly Flow[]): AppPolicy[] {
  return (Object.values(workloads) as string[]).map((name) => ({
    app: name,
    ingress: flows
      .filter((f) => "app" in f.to && f.to.app === name)
      .map((f) => ({ from: [policyPeer(f.from)], ports: [...f.ports] })),
    egress: flows
      .filter((f) => "app" in f.from && f.from.app === name)
      .map((f) => ({ to: [policyPeer(f.to)], ports: [...f.ports] })),
  }));
}
