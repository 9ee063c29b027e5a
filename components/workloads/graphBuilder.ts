import * as pulumi from "@pulumi/pulumi";

import { GraphBuilderConfig, KafkaListenerProtocol } from "../../config";
import { GeneratedSecret } from "../shared/generatedSecret";
import { plainEnv, secretEnv, workloadLabels } from "../shared/kubernetesMeta";
import { trustedCaFile, trustedCaMountPath } from "../shared/trustedCa";
import { AutoscaledDeployment } from "./autoscaledDeployment";

export interface GraphBuilderArgs {
  /** Namespace of the workload and its Kafka credential Secret. */
  readonly namespace: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** Image, autoscaling, resources and the batch and RCA tuning (validated stack config). */
  readonly graphBuilder: GraphBuilderConfig;
  /** In-cluster bootstrap address of the brokers (SCRAM-SHA-512). */
  readonly kafkaBootstrapServers: string;
  /** SASL_SSL, or SASL_PLAINTEXT where the stack allows plaintext listeners. */
  readonly kafkaSecurityProtocol: KafkaListenerProtocol;
  /**
   * ConfigMap with the CA the brokers' and Neo4j's certificates chain to (`ca.crt`); needed with TLS.
   * @default none (plaintext listeners and Bolt)
   */
  readonly caConfigMapName?: string;
  /** Bolt URL of the Neo4j cluster. */
  readonly neo4jBoltUrl: string;
  /** Secret whose `password` key holds the Neo4j password. */
  readonly neo4jAuthSecretName: pulumi.Input<string>;
}

/** The Kafka principal and consumer group of the graph-builder: it reads every client's topics. */
export const graphBuilderPrincipal = "graph-builder";
export const graphBuilderConsumerGroup = "kg-builder";
export const graphBuilderMetricsPort = 9090;

/** The consumer that turns each client's normalized events into its knowledge graph. */
export class GraphBuilder extends pulumi.ComponentResource {
  /** Secret with the graph-builder's Kafka SCRAM credential (`username`, `password`). */
  public readonly kafkaSecretName: pulumi.Output<string>;
  public readonly kafkaPassword: pulumi.Output<string>;

  constructor(name: string, args: GraphBuilderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:workloads:GraphBuilder", name, {}, opts);
    const g = args.graphBuilder;
    const caMount =
      args.caConfigMapName === undefined
        ? undefined
        : { configMapName: args.caConfigMapName, mountPath: trustedCaMountPath };
    const kafkaCredential = new GeneratedSecret(
      `${name}-kafka`,
      {
        secretName: `${name}-kafka`,
        namespace: args.namespace,
        labels: workloadLabels(name),
        data: (password) => ({ username: graphBuilderPrincipal, password }),
      },
      { parent: this },
    );
    this.kafkaSecretName = kafkaCredential.secretName;
    this.kafkaPassword = kafkaCredential.password;

    new AutoscaledDeployment(
      name,
      {
        namespace: args.namespace,
        skipAwait: args.skipAwait,
        image: g.image,
        resources: g.resources,
        autoscaling: g.autoscaling,
        port: graphBuilderMetricsPort,
        healthPath: "/healthz",
        configMapMounts: caMount === undefined ? [] : [caMount],
        env: [
          ...plainEnv({
            KAFKA_BOOTSTRAP_SERVERS: args.kafkaBootstrapServers,
            KAFKA_SECURITY_PROTOCOL: args.kafkaSecurityProtocol,
            KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
            KAFKA_CONSUMER_GROUP: graphBuilderConsumerGroup,
            KAFKA_CONSUMER_BATCH_SIZE: g.batchSize,
            KAFKA_CONSUMER_BATCH_TIMEOUT_MS: g.batchTimeoutMs,
            RCA_WINDOW_MIN: g.rcaWindowMinutes,
            RCA_MAX_CAUSES: g.rcaMaxCauses,
            NEO4J_URI: args.neo4jBoltUrl,
            NEO4J_USER: "neo4j",
          }),
          // librdkafka's and the JVM clients' setting, and Node's: kafkajs and the Neo4j driver (neo4j+s)
          // trust the default CAs plus these.
          ...(caMount === undefined
            ? []
            : plainEnv({ KAFKA_SSL_CA_LOCATION: trustedCaFile, NODE_EXTRA_CA_CERTS: trustedCaFile })),
          secretEnv("KAFKA_SASL_USERNAME", kafkaCredential.secretName, "username"),
          secretEnv("KAFKA_SASL_PASSWORD", kafkaCredential.secretName, "password"),
          secretEnv("NEO4J_PASSWORD", args.neo4jAuthSecretName, "password"),
        ],
      },
      { parent: this },
    );
    this.registerOutputs({ kafkaSecretName: this.kafkaSecretName, kafkaPassword: this.kafkaPassword });
  }
}
