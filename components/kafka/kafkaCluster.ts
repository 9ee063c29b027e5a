import * as crypto from "crypto";
import * as kafkaProvider from "@pulumi/kafka";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { drainingBrokers, KafkaConfig, TlsConfig } from "../../config";
import { kafkaBrokersLabel } from "../resourceKinds";
import { GeneratedSecret } from "../shared/generatedSecret";
import { imageUsers, restrictedContainerSecurity, restrictedPodSecurity, scratchVolumes } from "../shared/podSecurity";
import { RandomValue } from "../shared/randomValue";
import { startupProbe } from "../shared/probes";
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
import { trustedCaVolume } from "../shared/trustedCa";
import { BrokersReady } from "./brokersReady";
import { kafkaExternalServices } from "./kafkaExternalAccess";
import {
  kafkaAdminUser,
  kafkaCertificateNames,
  kafkaObjectNames,
  kafkaPorts,
  kafkaTlsMountPath,
  kafkaRebalanceScript,
  kafkaSharedProperties,
  kafkaStartScript,
  renderProperties,
} from "./kafkaProperties";
import { kafkaAdminSecretName } from "../platform/workloadNames";

export interface KafkaClusterArgs {
  /** Namespace of the brokers; part of their in-cluster addresses. */
  readonly namespace: string;
  /** StorageClass of the brokers' log volumes; volumes grow only where it allows expansion. */
  readonly storageClassName: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** Image, broker and controller counts, volume size, heap, resources and broker settings (validated stack config). */
  readonly kafka: KafkaConfig;
  /** The certificates' issuer (none: the Secret is written by someone else) and the CA the engine trusts. */
  readonly tls: TlsConfig;
  /**
   * The ConfigMap of that CA (key ca.crt) in-cluster clients mount (PlatformFoundation's).
   * @default none: only with plaintext listeners
   */
  readonly caConfigMapName?: string;
  /**
   * The super-user's password, for brokers the program does not run itself.
   * @default generated
   */
  readonly adminPassword?: pulumi.Output<string>;
}

/** Name of the log volume template; claims are `data-<statefulset>-<ordinal>`. */
export const kafkaDataVolume = "data";
/** What the broker writes outside its data volume under a read-only root: its config copy, JVM files, GC log. */
const brokerScratch = scratchVolumes({ tmp: "/tmp", "kafka-logs": "/opt/kafka/logs" });
/** The rebalance Job's admin properties and plans. */
const toolScratch = scratchVolumes({ tmp: "/tmp" });

/**
 * The configured JVM flags of a container of the Kafka image: its scripts pass
 * KAFKA_JVM_PERFORMANCE_OPTS to every JVM they start, the broker's and the tools'. A `kubectl exec`
 * into the broker inherits it too. None: the image's defaults.
 */
function jvmPerformanceEnv(kafka: KafkaConfig): k8s.types.input.core.v1.EnvVar[] {
  const options = kafka.jvmPerformanceOptions;
  return options === undefined ? [] : plainEnv({ KAFKA_JVM_PERFORMANCE_OPTS: options });
}

/** A caller's dependsOn as a list: the components are given a list or one resource. */
function dependencyList(dependsOn: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (dependsOn === undefined) {
    return [];
  }
  return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
}

/**
 * Kafka in KRaft mode (no ZooKeeper): one StatefulSet whose first pods also
 * form the controller quorum, SASL/SCRAM-SHA-512 over TLS on every listener,
 * a tenants' listener published outside the cluster (a bootstrap Service and
 * one Service per broker), ACLs enforced by the StandardAuthorizer, and a
 * generated admin credential.
 */
export class KafkaCluster extends pulumi.ComponentResource {
  public readonly statefulSetName: string;
  public readonly headlessServiceName: string;
  /** In-cluster bootstrap address for clients (SCRAM-SHA-512, over TLS unless the stack says plaintext). */
  public readonly bootstrapServers: string;
  /** ConfigMap with key `ca.crt`: the CA in-cluster clients trust; undefined with plaintext listeners. */
  public readonly caConfigMapName?: string;
  /** Secret with the brokers' certificate (tls.crt, tls.key, ca.crt); undefined with plaintext listeners. */
  public readonly tlsSecretName?: string;
  /** Secret with keys `username` and `password` of the super-user. */
  public readonly adminSecretName: pulumi.Output<string>;
  public readonly adminPassword: pulumi.Output<string>;
  public readonly statefulSet: k8s.apps.v1.StatefulSet;
  /**
   * What clients of the brokers wait for: the readiness gate (brokersReady.ts), or the StatefulSet
   * itself where nothing runs (skipAwait) or the engine has no way in (no admin bootstrap).
   */
  public readonly ready: pulumi.Resource;
  /** Provider that manages topics, users, ACLs and quotas on this cluster as the super-user. */
  public readonly adminProvider: kafkaProvider.Provider;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:kafka:KafkaCluster", name, {}, opts);
    const labels = workloadLabels(name);
    this.statefulSetName = name;
    const objectNames = kafkaObjectNames(name);
    this.headlessServiceName = objectNames.headlessService;
    this.bootstrapServers = `${name}.${args.namespace}.svc.cluster.local:${kafkaPorts.client}`;

    const admin = new GeneratedSecret(
      `${name}-admin`,
      {
        secretName: kafkaAdminSecretName(name),
        namespace: args.namespace,
        labels,
        data: (password) => ({ username: kafkaAdminUser, password }),
        password: args.adminPassword,
      },
      { parent: this },
    );
    this.adminSecretName = admin.secretName;
    this.adminPassword = admin.password;
    // KRaft needs one cluster id for the life of the cluster: generated once and kept in state.
    const clusterId = new RandomValue(`${name}-cluster-id`, { kind: "cluster-id", length: 22 }, { parent: this });

    const protocol = args.kafka.listenerProtocol;
    const tls = protocol === "SASL_SSL";
    let certificate: pulumi.Resource | undefined;
    if (tls) {
      if (args.caConfigMapName === undefined) {
        throw new Error(`KafkaCluster ${name}: SASL_SSL listeners need the CA's ConfigMap for in-cluster clients`);
      }
      this.tlsSecretName = objectNames.tlsSecret;
      this.caConfigMapName = args.caConfigMapName;
      certificate = serverCertificate(this, {
        name,
        secretName: this.tlsSecretName,
        namespace: args.namespace,
        labels,
        issuer: args.tls.issuer,
        names: kafkaCertificateNames({
          statefulSet: name,
          headlessService: this.headlessServiceName,
          namespace: args.namespace,
          external: [args.kafka.external.bootstrap, ...args.kafka.external.brokers],
        }),
      });
    }
    const configData = {
      "server.properties": renderProperties(
        kafkaSharedProperties({
          settings: args.kafka.settings,
          brokers: args.kafka.brokers,
          controllers: args.kafka.controllers,
          statefulSet: name,
          headlessService: this.headlessServiceName,
          namespace: args.namespace,
          protocol,
        }),
      ),
      "start.sh": kafkaStartScript({
        controllers: args.kafka.controllers,
        headlessService: this.headlessServiceName,
        namespace: args.namespace,
        protocol,
        externalAddresses: args.kafka.external.brokers,
      }),
    };
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: objectMeta(`${name}-config`, args.namespace, labels, false), data: configData },
      { parent: this },
    );

    this.createServices(name, args, labels);
    kafkaExternalServices(this, {
      name,
      namespace: args.namespace,
      labels,
      external: args.kafka.external,
      skipAwait: args.skipAwait,
    });
    const claims = declareStatefulSetClaims(
      {
        statefulSet: name,
        template: kafkaDataVolume,
        replicas: args.kafka.brokers,
        retiring: args.kafka.drainedBrokers,
        size: args.kafka.volumeSize,
        storageClassName: args.storageClassName,
        namespace: args.namespace,
        labels,
      },
      this,
    );
    this.statefulSet = this.createStatefulSet(name, args, labels, {
      adminSecretName: admin.secretName,
      configMapName: configMap.metadata.name,
      // Not sensitive, and an env value the API server must see in plain text.
      clusterId: pulumi.unsecret(clusterId.result),
      // The declared claims, and the certificate: brokers must not start before its Secret exists.
      prerequisites: certificate === undefined ? claims : [...claims, certificate],
      // Brokers read the config only at start: a changed config must roll the pods.
      configChecksum: crypto.createHash("sha256").update(JSON.stringify(configData)).digest("hex"),
    });
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        // One broker down at a time keeps every partition at min.insync.replicas.
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(name) } },
      },
      { parent: this },
    );
    this.ready =
      args.skipAwait || args.kafka.adminBootstrapServers === ""
        ? this.statefulSet
        : new BrokersReady(
            `${name}-brokers-ready`,
            {
              bootstrapServers: args.kafka.adminBootstrapServers,
              username: kafkaAdminUser,
              password: admin.password,
              caCertificate: tls ? args.tls.caCertificate : "",
              brokers: args.kafka.brokers,
              uid: this.statefulSet.metadata.uid,
              generation: this.statefulSet.metadata.generation,
              timeoutSeconds: 600,
            },
            { parent: this, dependsOn: [this.statefulSet] },
          );
    this.createRebalanceJob(name, args, labels, admin.secretName, this.statefulSet);
    this.adminProvider = new kafkaProvider.Provider(
      `${name}-admin-provider`,
      {
        bootstrapServers: args.kafka.adminBootstrapServers.split(","),
        saslMechanism: "scram-sha512",
        saslUsername: kafkaAdminUser,
        saslPassword: admin.password,
        // The engine comes in from outside the cluster, over the tenants' listener, trusting the stack's CA.
        tlsEnabled: tls,
        ...(tls ? { caCert: args.tls.caCertificate } : {}),
      },
      // Topics, users and ACLs go through this provider: it waits for what the caller says (the guard), and
      // for the readiness gate, so that it connects to the brokers as they are now: configured before
      // a replacement of the StatefulSet, its client kept connections to the old pods and the next
      // topic diff failed with EOF (seen from the runner namespace).
      { parent: this, dependsOn: [...dependencyList(opts?.dependsOn), this.ready] },
    );
    this.registerOutputs({
      statefulSetName: this.statefulSetName,
      headlessServiceName: this.headlessServiceName,
      bootstrapServers: this.bootstrapServers,
      adminSecretName: this.adminSecretName,
      adminPassword: this.adminPassword,
      statefulSet: this.statefulSet,
      ready: this.ready,
      adminProvider: this.adminProvider,
      caConfigMapName: this.caConfigMapName,
      tlsSecretName: this.tlsSecretName,
    });
  }

  /**
   * Adding brokers does not move existing partitions, and removing one must
   * not lose its partitions. The Job is named after the broker count and the
   * running brokers being drained, so each change of either declares a new run
   * that spreads every partition over the running brokers not drained; its
   * progress is the Job's, not the deployment's.
   */
  private createRebalanceJob(
    name: string,
    args: KafkaClusterArgs,
    labels: Record<string, string>,
    adminSecretName: pulumi.Output<string>,
    statefulSet: k8s.apps.v1.StatefulSet,
  ): void {
    const draining = drainingBrokers(args.kafka);
    const targets = Array.from({ length: args.kafka.brokers }, (_, id) => id).filter((id) => !draining.includes(id));
    const jobName = `${name}-rebalance-${args.kafka.brokers}${draining.length > 0 ? `-drain-${draining.join("-")}` : ""}`;
    new k8s.batch.v1.Job(
      `${name}-rebalance`,
      {
        metadata: {
          name: jobName,
          namespace: args.namespace,
          labels,
          annotations: {
            // A rebalance can run for hours: the update must not wait for it.
            "pulumi.com/skipAwait": "true",
            // A Job's template is immutable, so a change of it (image, script, mounts) replaces the Job
            // under the same name, deleted first; that deletion is not awaited (skipAwait), and with
            // the default foreground deletion the old Job lingers while its pods go and the new one
            // is refused (found on the node). In the background, the Job object goes at once.
            "pulumi.com/deletionPropagationPolicy": "background",
          },
        },
        spec: {
          backoffLimit: 3,
          activeDeadlineSeconds: 24 * 3600,
          template: {
            metadata: { labels: { ...labels, app: jobName } },
            spec: {
              restartPolicy: "Never",
              securityContext: restrictedPodSecurity(imageUsers.kafka),
              containers: [
                {
                  name: "rebalance",
                  image: args.kafka.image,
                  securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true }),
                  command: [
                    "/bin/bash",
                    "-c",
                    kafkaRebalanceScript({
                      brokers: args.kafka.brokers,
                      targets,
                      bootstrapServers: this.bootstrapServers,
                      protocol: args.kafka.listenerProtocol,
                    }),
                  ],
                  env: [
                    secretEnv("KAFKA_ADMIN_PASSWORD", adminSecretName, "password"),
                    ...jvmPerformanceEnv(args.kafka),
                  ],
                  resources: resourceRequirements({
                    requests: { cpu: "100m", memory: "512Mi" },
                    limits: { cpu: "1", memory: "1Gi" },
                  }),
                  volumeMounts: [
                    ...toolScratch.volumeMounts,
                    ...(this.caConfigMapName === undefined ? [] : [trustedCaVolume(this.caConfigMapName).volumeMount]),
                  ],
                },
              ],
              volumes: [
                ...toolScratch.volumes,
                ...(this.caConfigMapName === undefined ? [] : [trustedCaVolume(this.caConfigMapName).volume]),
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: [statefulSet], deleteBeforeReplace: true },
    );
  }

  private createServices(name: string, args: KafkaClusterArgs, labels: Record<string, string>): void {
    // The tenants' listener is reached through the external Services only.
    const ports = Object.entries(kafkaPorts)
      .filter(([portName]) => portName !== "external")
      .map(([portName, port]) => ({ name: portName, port, targetPort: port }));
    new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: objectMeta(this.headlessServiceName, args.namespace, labels, args.skipAwait),
        spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: selectorLabels(name), ports },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-bootstrap`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: { type: "ClusterIP", selector: selectorLabels(name), ports: ports.filter((p) => p.name === "client") },
      },
      { parent: this },
    );
  }

  private createStatefulSet(
    name: string,
    args: KafkaClusterArgs,
    labels: Record<string, string>,
    refs: {
      adminSecretName: pulumi.Output<string>;
      configMapName: pulumi.Output<string>;
      clusterId: pulumi.Output<string>;
      prerequisites: pulumi.Resource[];
      configChecksum: string;
    },
  ): k8s.apps.v1.StatefulSet {
    // A broker serves once its client listener accepts connections.
    const servingCheck = { tcpSocket: { port: kafkaPorts.client } };
    return new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        // The label tells checks (partitions-per-broker) that these are the brokers, whatever the component's name.
        metadata: objectMeta(
          name,
          args.namespace,
          { ...labels, [kafkaBrokersLabel.key]: kafkaBrokersLabel.value },
          args.skipAwait,
        ),
        spec: {
          serviceName: this.headlessServiceName,
          replicas: args.kafka.brokers,
          podManagementPolicy: "Parallel",
          persistentVolumeClaimRetentionPolicy: retainClaims,
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: { labels, annotations: { "kg-rca/config-sha256": refs.configChecksum } },
            spec: {
              topologySpreadConstraints: spreadAcrossNodes(name),
              terminationGracePeriodSeconds: 120,
              securityContext: restrictedPodSecurity(imageUsers.kafka),
              containers: [
                {
                  name: "kafka",
                  securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true }),
                  image: args.kafka.image,
                  command: ["/bin/bash", "/etc/kafka-config/start.sh"],
                  ports: Object.entries(kafkaPorts).map(([portName, port]) => ({
                    name: portName,
                    containerPort: port,
                  })),
                  env: [
                    secretEnv("KAFKA_ADMIN_PASSWORD", refs.adminSecretName, "password"),
                    { name: "KAFKA_CLUSTER_ID", value: refs.clusterId },
                    ...plainEnv({ KAFKA_HEAP_OPTS: `-Xms${args.kafka.heapSize} -Xmx${args.kafka.heapSize}` }),
                    ...jvmPerformanceEnv(args.kafka),
                  ],
                  resources: resourceRequirements(args.kafka.resources),
                  startupProbe: startupProbe(servingCheck, 600),
                  readinessProbe: { ...servingCheck, periodSeconds: 10, failureThreshold: 3 },
                  livenessProbe: { tcpSocket: { port: kafkaPorts.internal }, periodSeconds: 20, failureThreshold: 6 },
                  volumeMounts: [
                    { name: kafkaDataVolume, mountPath: "/var/lib/kafka/data" },
                    { name: "config", mountPath: "/etc/kafka-config", readOnly: true },
                    ...(this.tlsSecretName === undefined
                      ? []
                      : [{ name: "tls", mountPath: kafkaTlsMountPath, readOnly: true }]),
                    ...brokerScratch.volumeMounts,
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: refs.configMapName } },
                // Owner and group (the pod's fsGroup) only: the key is not for other users of the pod.
                ...(this.tlsSecretName === undefined
                  ? []
                  : [{ name: "tls", secret: { secretName: this.tlsSecretName, defaultMode: 0o440 } }]),
                ...brokerScratch.volumes,
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: kafkaDataVolume, labels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClassName,
                resources: { requests: { storage: args.kafka.volumeSize } },
              },
            },
          ],
        },
      },
      // The claim template is immutable: size changes go to the declared claims instead (see volumeClaims.ts).
      { parent: this, dependsOn: refs.prerequisites, ignoreChanges: ["spec.volumeClaimTemplates"] },
    );
  }
}
