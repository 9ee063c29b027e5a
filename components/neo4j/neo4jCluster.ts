import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { DataPlaneAccess, Neo4jConfig } from "../../config";
import { Neo4jEndpoint } from "../tenants/neo4jDatabase";
import { GeneratedSecret } from "../shared/generatedSecret";
import { declareStatefulSetClaims, retainClaims } from "../storage/volumeClaims";
import {
  objectMeta,
  plainEnv,
  resourceRequirements,
  secretEnv,
  selectorLabels,
  spreadAcrossNodes,
  workloadLabels,
} from "../shared/kubernetesMeta";
import { serverCertificate } from "../shared/serverCertificate";
import { ServerTls } from "../shared/trustedCa";
import { neo4jEnvName, neo4jPorts, neo4jServerAddress, neo4jServerSettings } from "./neo4jSettings";
import {
  neo4jCertificateNames,
  neo4jHeadlessServiceName,
  neo4jTlsSecretName,
  neo4jTlsSettings,
  neo4jTlsVolumes,
} from "./neo4jTls";
import { imageUsers, restrictedContainerSecurity, restrictedPodSecurity } from "../shared/podSecurity";
import { startupProbe } from "../shared/probes";
import { serverAuthSecretName } from "../platform/workloadNames";

export interface Neo4jClusterArgs {
  /** Namespace of the servers; part of their in-cluster addresses. */
  readonly namespace: string;
  /** StorageClass of the servers' data volumes; volumes grow only where it allows expansion. */
  readonly storageClassName: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** Image, server count, volume size, resources and memory and checkpoint settings (validated stack config). */
  readonly neo4j: Neo4jConfig;
  /** How the engine's client databases reach the servers (stack config `dataPlaneAccess`). */
  readonly access: DataPlaneAccess;
  /**
   * The certificate's issuer and the CA ConfigMap clients verify the servers with: with them every
   * server requires TLS on Bolt.
   * @default none: plaintext Bolt (a stack of bare servers without a CA)
   */
  readonly tls?: ServerTls;
}

/** Name of the data volume template; claims are `data-<statefulset>-<ordinal>`. */
export const neo4jDataVolume = "data";

/**
 * A Neo4j 5 Enterprise cluster: one StatefulSet of servers that discover each
 * other through a headless Service, a client Service for Bolt and HTTP, a
 * PodDisruptionBudget that keeps a majority up, and a generated admin password.
 */
export class Neo4jCluster extends pulumi.ComponentResource {
  /** Name of the StatefulSet (and the prefix of its pods). */
  public readonly statefulSetName: string;
  public readonly headlessServiceName: string;
  /** In-cluster Bolt URL of the client Service. */
  public readonly boltUrl: string;
  /** Secret with keys `password` and `NEO4J_AUTH`. */
  public readonly authSecretName: pulumi.Output<string>;
  public readonly statefulSet: k8s.apps.v1.StatefulSet;
  /** `host:port` of every server's online-backup listener. */
  public readonly backupServers: string[];
  /** Where the engine's client databases reach the servers: names only, no credential. */
  public readonly connection: pulumi.Output<Neo4jEndpoint>;
  /** Secret with the servers' certificate (tls.crt, tls.key, ca.crt); undefined without TLS. */
  public readonly tlsSecretName?: string;

  constructor(name: string, args: Neo4jClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:neo4j:Neo4jCluster", name, {}, opts);
    const labels = workloadLabels(name);
    this.statefulSetName = name;
    this.headlessServiceName = neo4jHeadlessServiceName(name);
    this.backupServers = Array.from(
      { length: args.neo4j.servers },
      (_, ordinal) =>
        `${neo4jServerAddress(name, this.headlessServiceName, args.namespace, ordinal)}:${neo4jPorts.backup}`,
    );
    // neo4j+s: TLS, the certificate checked against the trusted CAs (NODE_EXTRA_CA_CERTS in the workloads).
    this.boltUrl = `${args.tls === undefined ? "neo4j" : "neo4j+s"}://${name}.${args.namespace}.svc.cluster.local:${neo4jPorts.bolt}`;

    const auth = new GeneratedSecret(
      `${name}-auth`,
      {
        secretName: serverAuthSecretName(name),
        namespace: args.namespace,
        labels,
        data: (password) => ({ password, NEO4J_AUTH: pulumi.interpolate`neo4j/${password}` }),
      },
      { parent: this },
    );
    this.authSecretName = auth.secretName;
    this.connection = pulumi.output({
      namespace: args.namespace,
      service: name,
      // The first server; the provider moves on to the system database's writer when it is another.
      pod: `${name}-0`,
      port: neo4jPorts.bolt,
      access: args.access,
      secretName: auth.secretName,
      ...(args.tls === undefined ? {} : { caConfigMap: args.tls.caConfigMapName }),
    });

    this.createServices(name, args, labels);
    const claims = declareStatefulSetClaims(
      {
        statefulSet: name,
        template: neo4jDataVolume,
        replicas: args.neo4j.servers,
        size: args.neo4j.volumeSize,
        storageClassName: args.storageClassName,
        namespace: args.namespace,
        labels,
      },
      this,
    );
    this.tlsSecretName = args.tls === undefined ? undefined : neo4jTlsSecretName(name);
    const certificate =
      args.tls === undefined
        ? undefined
        : serverCertificate(this, {
            name,
            secretName: neo4jTlsSecretName(name),
            namespace: args.namespace,
            labels,
            issuer: args.tls.issuer,
            names: neo4jCertificateNames({
              statefulSet: name,
              headlessService: this.headlessServiceName,
              namespace: args.namespace,
            }),
          });
    this.statefulSet = this.createStatefulSet(name, args, labels, auth.secretName, [
      ...claims,
      ...(certificate === undefined ? [] : [certificate]),
    ]);
    this.createDisruptionBudget(name, args, labels);
    this.registerOutputs({
      connection: this.connection,
      tlsSecretName: this.tlsSecretName,
      statefulSetName: this.statefulSetName,
      headlessServiceName: this.headlessServiceName,
      boltUrl: this.boltUrl,
      authSecretName: this.authSecretName,
      statefulSet: this.statefulSet,
      backupServers: this.backupServers,
    });
  }

  private createServices(name: string, args: Neo4jClusterArgs, labels: Record<string, string>): void {
    const ports = Object.entries(neo4jPorts).map(([portName, port]) => ({ name: portName, port, targetPort: port }));
    new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: objectMeta(this.headlessServiceName, args.namespace, labels, args.skipAwait),
        spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: selectorLabels(name), ports },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-client`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          type: "ClusterIP",
          selector: selectorLabels(name),
          ports: ports.filter((p) => p.name === "bolt" || p.name === "http"),
        },
      },
      { parent: this },
    );
  }

  private createStatefulSet(
    name: string,
    args: Neo4jClusterArgs,
    labels: Record<string, string>,
    authSecretName: pulumi.Output<string>,
    prerequisites: pulumi.Resource[],
  ): k8s.apps.v1.StatefulSet {
    const tls = args.tls === undefined ? undefined : neo4jTlsVolumes(neo4jTlsSecretName(name));
    const settings = neo4jServerSettings({
      edition: args.neo4j.edition,
      settings: args.neo4j.settings,
      servers: args.neo4j.servers,
      statefulSet: name,
      headlessService: this.headlessServiceName,
      namespace: args.namespace,
    });
    const settingsEnv = Object.entries({
      ...settings,
      ...(tls === undefined ? {} : neo4jTlsSettings(args.neo4j.edition)),
    }).map(([setting, value]) => ({ name: neo4jEnvName(setting), value }));
    const servingCheck = { tcpSocket: { port: neo4jPorts.bolt } };
    return new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          serviceName: this.headlessServiceName,
          replicas: args.neo4j.servers,
          podManagementPolicy: "Parallel",
          persistentVolumeClaimRetentionPolicy: retainClaims,
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: { labels },
            spec: {
              topologySpreadConstraints: spreadAcrossNodes(name),
              terminationGracePeriodSeconds: 300,
              // The image turns every NEO4J_* variable into a setting, and Kubernetes would add
              // NEO4J_PORT_7687_TCP_PORT & co. for the Service named neo4j: Neo4j refuses to start
              // on those unknown settings (found on the local node). No service links, then.
              enableServiceLinks: false,
              securityContext: restrictedPodSecurity(imageUsers.neo4j),
              containers: [
                {
                  name: "neo4j",
                  image: args.neo4j.image,
                  // The image's entry point writes the settings into its own conf/neo4j.conf at start.
                  securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: false }),
                  ports: Object.entries(neo4jPorts).map(([portName, port]) => ({
                    name: portName,
                    containerPort: port,
                  })),
                  env: [
                    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    secretEnv("NEO4J_AUTH", authSecretName, "NEO4J_AUTH"),
                    ...plainEnv({ NEO4J_ACCEPT_LICENSE_AGREEMENT: "yes" }),
                    {
                      // Each server advertises its own stable name; Kubernetes expands $(POD_NAME).
                      name: neo4jEnvName("server.default_advertised_address"),
                      value: `$(POD_NAME).${this.headlessServiceName}.${args.namespace}.svc.cluster.local`,
                    },
                    ...settingsEnv,
                  ],
                  resources: resourceRequirements(args.neo4j.resources),
                  startupProbe: startupProbe(servingCheck, 900),
                  readinessProbe: { ...servingCheck, periodSeconds: 10, failureThreshold: 3 },
                  livenessProbe: {
                    httpGet: { path: "/", port: neo4jPorts.http },
                    periodSeconds: 20,
                    timeoutSeconds: 10,
                    failureThreshold: 6,
                  },
                  volumeMounts: [{ name: neo4jDataVolume, mountPath: "/data" }, ...(tls?.volumeMounts ?? [])],
                },
              ],
              ...(tls === undefined ? {} : { volumes: tls.volumes }),
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: neo4jDataVolume, labels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClassName,
                resources: { requests: { storage: args.neo4j.volumeSize } },
              },
            },
          ],
        },
      },
      // The claim template is immutable: size changes go to the declared claims instead (see volumeClaims.ts).
      { parent: this, dependsOn: prerequisites, ignoreChanges: ["spec.volumeClaimTemplates"] },
    );
  }

  private createDisruptionBudget(name: string, args: Neo4jClusterArgs, labels: Record<string, string>): void {
    // A Raft cluster needs a majority: allow one voluntary eviction at a time at most.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(name) } },
      },
      { parent: this },
    );
  }
}
