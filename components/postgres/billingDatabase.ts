import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { DataPlaneAccess, PostgresConfig } from "../../config";
import { ServerTls } from "../shared/trustedCa";
import { certificateNames, serverCertificate, serviceDnsNames } from "../shared/serverCertificate";
import {
  postgresHbaConf,
  postgresHbaMountPath,
  postgresObjectNames,
  postgresTlsArguments,
  postgresTlsMountPath,
} from "./billingTls";

import { GeneratedSecret } from "../shared/generatedSecret";
import { declareStatefulSetClaims, retainClaims } from "../storage/volumeClaims";
import {
  objectMeta,
  plainEnv,
  resourceRequirements,
  secretEnv,
  selectorLabels,
  workloadLabels,
} from "../shared/kubernetesMeta";
import { BillingConnection } from "../tenants/billingRow";
import { billingDatabase, billingSchemaSql, billingUser } from "./billingSchema";
import { imageUsers, restrictedContainerSecurity, restrictedPodSecurity, scratchVolumes } from "../shared/podSecurity";
import { startupProbe } from "../shared/probes";
import { serverAuthSecretName } from "../platform/workloadNames";

/** What the server writes outside its data volume under a read-only root: its socket and lock, temp files. */
const serverScratch = scratchVolumes({ run: "/var/run/postgresql", tmp: "/tmp" });

export interface BillingDatabaseArgs {
  /** Namespace of the server; part of its in-cluster host name. */
  readonly namespace: string;
  /** StorageClass of the data volume; the volume grows only where it allows expansion. */
  readonly storageClassName: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** Image, volume size and resources (validated stack config). */
  readonly postgres: PostgresConfig;
  /** How the engine's billing rows reach the server (stack config `dataPlaneAccess`). */
  readonly access: DataPlaneAccess;
  /**
   * The certificate's issuer and the CA ConfigMap clients verify the server with: with them the
   * server requires TLS of every network client (prod requires a CA).
   * @default none: no TLS (a stack of bare servers without a CA)
   */
  readonly tls?: ServerTls;
}

export const postgresPort = 5432;

/**
 * PostgreSQL holding the billing database: a one-pod StatefulSet with its
 * volume, a Service, a generated password and the schema applied at init.
 */
export class BillingDatabase extends pulumi.ComponentResource {
  public readonly host: string;
  public readonly database = billingDatabase;
  public readonly user = billingUser;
  /** Secret with keys `username` and `password`. */
  public readonly authSecretName: pulumi.Output<string>;
  public readonly password: pulumi.Output<string>;
  /** Where the engine's billing rows reach this database: Service and Secret names, no credential. */
  public readonly connection: pulumi.Output<BillingConnection>;

  constructor(name: string, args: BillingDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:postgres:BillingDatabase", name, {}, opts);
    const labels = workloadLabels(name);
    this.host = `${name}.${args.namespace}.svc.cluster.local`;

    const auth = new GeneratedSecret(
      `${name}-auth`,
      {
        secretName: serverAuthSecretName(name),
        namespace: args.namespace,
        labels,
        data: (password) => ({ username: billingUser, password }),
      },
      { parent: this },
    );
    this.authSecretName = auth.secretName;
    this.password = auth.password;
    const tls = args.tls === undefined ? undefined : this.declareTls(name, args.namespace, args.tls, labels);
    this.connection = pulumi.output({
      namespace: args.namespace,
      service: name,
      // The StatefulSet's one pod, where a port-forward goes.
      pod: `${name}-0`,
      port: postgresPort,
      access: args.access,
      database: billingDatabase,
      secretName: auth.secretName,
      ...(args.tls === undefined ? {} : { caConfigMap: args.tls.caConfigMapName }),
    });

    const schema = new k8s.core.v1.ConfigMap(
      `${name}-schema`,
      {
        metadata: objectMeta(`${name}-schema`, args.namespace, labels, false),
        data: { "01-billing-schema.sql": billingSchemaSql },
      },
      { parent: this },
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          selector: selectorLabels(name),
          ports: [{ name: "postgres", port: postgresPort, targetPort: postgresPort }],
        },
      },
      { parent: this },
    );

    const claims = declareStatefulSetClaims(
      {
        statefulSet: name,
        template: "data",
        replicas: 1,
        size: args.postgres.volumeSize,
        storageClassName: args.storageClassName,
        namespace: args.namespace,
        labels,
      },
      this,
    );
    const check = { exec: { command: ["pg_isready", "-U", billingUser, "-d", billingDatabase] } };
    const probe = { ...check, periodSeconds: 10 };
    new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          serviceName: name,
          replicas: 1,
          persistentVolumeClaimRetentionPolicy: retainClaims,
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: { labels },
            spec: {
              securityContext: restrictedPodSecurity(imageUsers.postgres),
              containers: [
                {
                  name: "postgres",
                  image: args.postgres.image,
                  securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true }),
                  ...(tls === undefined ? {} : { args: postgresTlsArguments() }),
                  ports: [{ name: "postgres", containerPort: postgresPort }],
                  env: [
                    ...plainEnv({
                      POSTGRES_USER: billingUser,
                      POSTGRES_DB: billingDatabase,
                      PGDATA: "/var/lib/postgresql/data/pgdata",
                    }),
                    secretEnv("POSTGRES_PASSWORD", auth.secretName, "password"),
                  ],
                  resources: resourceRequirements(args.postgres.resources),
                  // A first start initialises the data folder and runs the schema before it serves.
                  startupProbe: startupProbe(check, 300),
                  readinessProbe: { ...probe, failureThreshold: 3 },
                  livenessProbe: { ...probe, failureThreshold: 6 },
                  volumeMounts: [
                    { name: "data", mountPath: "/var/lib/postgresql/data" },
                    { name: "schema", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
                    ...serverScratch.volumeMounts,
                    ...(tls?.volumeMounts ?? []),
                  ],
                },
              ],
              volumes: [
                { name: "schema", configMap: { name: schema.metadata.name } },
                ...serverScratch.volumes,
                ...(tls?.volumes ?? []),
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: args.storageClassName,
                resources: { requests: { storage: args.postgres.volumeSize } },
              },
            },
          ],
        },
      },
      // The claim template is immutable: size changes go to the declared claim instead (see volumeClaims.ts).
      {
        parent: this,
        dependsOn: [...claims, ...(tls?.certificate === undefined ? [] : [tls.certificate])],
        ignoreChanges: ["spec.volumeClaimTemplates"],
      },
    );
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        // The only billing replica: a node drain waits until an operator moves it deliberately.
        spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(name) } },
      },
      { parent: this },
    );
    this.registerOutputs({
      host: this.host,
      database: this.database,
      user: this.user,
      authSecretName: this.authSecretName,
      password: this.password,
      connection: this.connection,
    });
  }

  /**
   * The server's TLS: its certificate (cert-manager's, or a Secret of the same name written by
   * scripts/local.sh), the CA clients verify it with, and host-based authentication that refuses
   * plaintext over the network.
   */
  private declareTls(
    name: string,
    namespace: string,
    tls: ServerTls,
    labels: Record<string, string>,
  ): {
    certificate: pulumi.Resource | undefined;
    volumes: k8s.types.input.core.v1.Volume[];
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
  } {
    const objects = postgresObjectNames(name);
    const certificate = serverCertificate(this, {
      name,
      secretName: objects.tlsSecret,
      namespace,
      labels,
      issuer: tls.issuer,
      names: certificateNames(serviceDnsNames(name, namespace)),
    });
    const hba = new k8s.core.v1.ConfigMap(
      `${name}-hba`,
      {
        metadata: objectMeta(objects.hbaConfigMap, namespace, labels, false),
        data: { "pg_hba.conf": postgresHbaConf },
      },
      { parent: this },
    );
    return {
      certificate,
      // PostgreSQL accepts a key owned by root only without write or world access: 0440, group fsGroup.
      volumes: [
        { name: "tls", secret: { secretName: objects.tlsSecret, defaultMode: 0o440 } },
        { name: "hba", configMap: { name: hba.metadata.name } },
      ],
      volumeMounts: [
        { name: "tls", mountPath: postgresTlsMountPath, readOnly: true },
        { name: "hba", mountPath: postgresHbaMountPath, readOnly: true },
      ],
    };
  }
}
