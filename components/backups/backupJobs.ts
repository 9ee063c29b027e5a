import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { BackupsConfig, ComputeResources } from "../../config";
import { objectMeta, plainEnv, resourceRequirements, secretEnv, workloadLabels } from "../shared/kubernetesMeta";
import { imageUsers, restrictedContainerSecurity, restrictedPodSecurity, scratchVolumes } from "../shared/podSecurity";
import { neo4jBackupClientTlsConfig } from "../neo4j/neo4jTls";
import { postgresClientTlsEnv } from "../postgres/billingTls";
import { trustedCaVolume } from "../shared/trustedCa";
import { backupServiceAccount } from "./backupPolicies";
import {
  backupMountPath,
  neo4jBackupScript,
  neo4jUploadScript,
  postgresDumpScript,
  postgresLatestDumpScript,
  postgresRestoreDrillScript,
  postgresUploadScript,
} from "./backupScripts";

/** The restore drill's CronJob; BackupRestoreDrillFailed watches its runs. */
export const restoreDrillCronJobName = "postgresql-restore-drill";
/** How long one drill may run before Kubernetes stops it (and it counts as failed). */
export const restoreDrillDeadlineSeconds = 2 * 3600;

export interface BackupJobsArgs {
  /** Namespace of the CronJobs, their ServiceAccount and the local backup volume. */
  readonly namespace: string;
  /** StorageClass of the volume that keeps local copies of the Neo4j backups. */
  readonly storageClassName: string;
  /** Schedules, time zone, bucket, local retention and the AWS CLI image (validated stack config). */
  readonly backups: BackupsConfig;
  /**
   * IAM role the ServiceAccount maps to; absent where AWS resources are off.
   * @default none: the ServiceAccount carries no role annotation
   */
  readonly roleArn?: pulumi.Input<string>;
  /** Image of the backup step: the servers' own, so `neo4j-admin` matches them. */
  readonly neo4jImage: string;
  /** `host:port` of each Neo4j server's backup listener. */
  readonly neo4jBackupServers: readonly string[];
  /**
   * Secret with the Neo4j servers' certificate (tls.crt, tls.key, ca.crt): the backup port takes TLS,
   * and the backup client loads its policy from it.
   * @default none: the backup port without TLS
   */
  readonly neo4jTlsSecretName?: string;
  /** Image of the dump step: the server's own, so `pg_dump` matches it. */
  readonly postgresImage: string;
  /** Where and as whom `pg_dump` connects. */
  readonly postgres: {
    /** In-cluster host name of the billing database's Service. */
    readonly host: string;
    /** The database to dump. */
    readonly database: string;
    /** The user to dump as. */
    readonly user: string;
    /** Secret whose `password` key holds that user's password. */
    readonly authSecretName: pulumi.Input<string>;
    /**
     * The CA ConfigMap (ca.crt) the server's certificate chains to, verified by libpq (verify-full).
     * @default none: the server has no TLS
     */
    readonly caConfigMapName?: string;
  };
}

/** The AWS CLI steps' HOME: an emptyDir, so the CLI can cache the role's credentials. */
const awsCliHome = "/home/aws";
/** Writable paths of the steps under their read-only roots: /tmp for every step, and the CLI's HOME. */
const tmpScratch = scratchVolumes({ tmp: "/tmp" });
const awsHomeScratch = scratchVolumes({ "aws-home": awsCliHome });
/** Where the Neo4j backup step mounts the servers' certificate Secret, and the folder it trusts the CA from. */
const neo4jBackupTlsMountPath = "/ssl/backup";
const neo4jBackupTrustedDirectory = "/tmp/backup-trusted";

const jobResources: ComputeResources = {
  requests: { cpu: "500m", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};
const uploadResources: ComputeResources = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

/**
 * The nightly backups as CronJobs: Neo4j (online backup of every database,
 * kept locally for a few days) and PostgreSQL (`pg_dump -F c`), each uploaded
 * to the backup bucket by the AWS CLI under the ServiceAccount's IAM role.
 * Never two runs at once, bounded retries and history.
 */
export class BackupJobs extends pulumi.ComponentResource {
  constructor(name: string, args: BackupJobsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:backups:BackupJobs", name, {}, opts);
    const labels = workloadLabels(name);
    const b = args.backups;
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      {
        metadata: {
          name: backupServiceAccount,
          namespace: args.namespace,
          labels,
          // IAM roles for service accounts: the pods get web-identity credentials, never static keys.
          ...(args.roleArn === undefined ? {} : { annotations: { "eks.amazonaws.com/role-arn": args.roleArn } }),
        },
      },
      { parent: this },
    );
    const localCopies = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-neo4j-local`,
      {
        metadata: {
          name: "neo4j-backups",
          namespace: args.namespace,
          labels,
          annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: args.storageClassName,
          resources: { requests: { storage: b.localVolumeSize } },
        },
      },
      { parent: this, protect: true },
    );

    this.cronJob(`${name}-neo4j`, "neo4j-backup", b.neo4jSchedule, args, labels, serviceAccount, {
      initContainers: [
        {
          name: "backup",
          image: args.neo4jImage,
          command: [
            "/bin/bash",
            "-c",
            neo4jBackupScript({
              servers: args.neo4jBackupServers,
              localRetentionDays: b.localRetentionDays,
              ...(args.neo4jTlsSecretName === undefined
                ? {}
                : {
                    tls: {
                      secretMountPath: neo4jBackupTlsMountPath,
                      trustedDirectory: neo4jBackupTrustedDirectory,
                      clientConfig: neo4jBackupClientTlsConfig({
                        tlsDirectory: neo4jBackupTlsMountPath,
                        trustedDirectory: neo4jBackupTrustedDirectory,
                      }),
                    },
                  }),
            }),
          ],
          env: plainEnv({ NEO4J_ACCEPT_LICENSE_AGREEMENT: "yes" }),
          resources: resourceRequirements(jobResources),
          // neo4j-admin writes its logs into the image's home: the root file system stays writable.
          securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: false, uid: imageUsers.neo4j }),
          volumeMounts: [
            { name: "backups", mountPath: backupMountPath },
            ...(args.neo4jTlsSecretName === undefined
              ? []
              : [{ name: "neo4j-tls", mountPath: neo4jBackupTlsMountPath, readOnly: true }]),
          ],
        },
      ],
      containers: [this.awsCliContainer(args, "upload", neo4jUploadScript(b.bucketName))],
      volumes: [
        { name: "backups", persistentVolumeClaim: { claimName: localCopies.metadata.name } },
        // Owner and group read only; the pod's fsGroup is among the neo4j step's groups.
        ...(args.neo4jTlsSecretName === undefined
          ? []
          : [{ name: "neo4j-tls", secret: { secretName: args.neo4jTlsSecretName, defaultMode: 0o440 } }]),
      ],
    });

    const postgresClient = postgresClientSetup(args.postgres);
    this.cronJob(`${name}-postgresql`, "postgresql-backup", b.postgresSchedule, args, labels, serviceAccount, {
      initContainers: [
        {
          name: "dump",
          image: args.postgresImage,
          command: ["/bin/bash", "-c", postgresDumpScript(args.postgres)],
          env: postgresClient.env,
          resources: resourceRequirements(jobResources),
          securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true, uid: imageUsers.postgres }),
          volumeMounts: [
            { name: "backups", mountPath: backupMountPath },
            ...tmpScratch.volumeMounts,
            ...postgresClient.volumeMounts,
          ],
        },
      ],
      containers: [this.awsCliContainer(args, "upload", postgresUploadScript(b.bucketName))],
      volumes: [{ name: "backups", emptyDir: {} }, ...postgresClient.volumes],
    });

    // A backup nobody restores is a hope: the newest dump is restored into a scratch database and checked.
    this.cronJob(
      `${name}-postgresql-restore-drill`,
      restoreDrillCronJobName,
      b.restoreDrillSchedule,
      args,
      labels,
      serviceAccount,
      {
        initContainers: [this.awsCliContainer(args, "download", postgresLatestDumpScript(b.bucketName))],
        containers: [
          {
            name: "restore",
            image: args.postgresImage,
            command: [
              "/bin/bash",
              "-c",
              postgresRestoreDrillScript({ ...args.postgres, maxAgeHours: b.restoreDrillMaxAgeHours }),
            ],
            env: postgresClient.env,
            resources: resourceRequirements(jobResources),
            securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true, uid: imageUsers.postgres }),
            volumeMounts: [
              { name: "backups", mountPath: backupMountPath, readOnly: true },
              ...tmpScratch.volumeMounts,
              ...postgresClient.volumeMounts,
            ],
          },
        ],
        volumes: [{ name: "backups", emptyDir: {} }, ...postgresClient.volumes],
      },
      // One attempt: a failed drill must show as a failed run, not be retried into a pass.
      { backoffLimit: 0, activeDeadlineSeconds: restoreDrillDeadlineSeconds },
    );
    this.registerOutputs({});
  }

  /**
   * A step run by the AWS CLI on the backups volume: uploads read it, the restore drill's download
   * writes to it.
   */
  private awsCliContainer(
    args: BackupJobsArgs,
    name: "upload" | "download",
    script: string,
  ): k8s.types.input.core.v1.Container {
    const { s3Endpoint, s3CredentialsSecret } = args.backups;
    return {
      name,
      image: args.backups.awsCliImage,
      command: ["/bin/bash", "-c", script],
      env: plainEnv({
        // A HOME it can write as uid 1000 under the read-only root (the official image's is /root).
        HOME: awsCliHome,
        // Unset in production: AWS's endpoint (and, below, the role's web-identity credentials).
        ...(s3Endpoint === undefined ? {} : { AWS_ENDPOINT_URL: s3Endpoint }),
      }),
      ...(s3CredentialsSecret === undefined ? {} : { envFrom: [{ secretRef: { name: s3CredentialsSecret } }] }),
      resources: resourceRequirements(uploadResources),
      securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true, uid: imageUsers.awsCli }),
      volumeMounts: [
        { name: "backups", mountPath: backupMountPath, ...(name === "upload" ? { readOnly: true } : {}) },
        ...tmpScratch.volumeMounts,
        // The CLI caches the role's web-identity credentials in its HOME.
        ...awsHomeScratch.volumeMounts,
      ],
    };
  }

  private cronJob(
    logicalName: string,
    jobName: string,
    schedule: string,
    args: BackupJobsArgs,
    labels: Record<string, string>,
    serviceAccount: k8s.core.v1.ServiceAccount,
    pod: {
      readonly initContainers: k8s.types.input.core.v1.Container[];
      readonly containers: k8s.types.input.core.v1.Container[];
      readonly volumes: k8s.types.input.core.v1.Volume[];
    },
    limits: { readonly backoffLimit: number; readonly activeDeadlineSeconds: number } = {
      backoffLimit: 2,
      activeDeadlineSeconds: 6 * 3600,
    },
  ): void {
    new k8s.batch.v1.CronJob(
      logicalName,
      {
        metadata: objectMeta(jobName, args.namespace, labels, false),
        spec: {
          schedule,
          timeZone: args.backups.timeZone,
          concurrencyPolicy: "Forbid",
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 5,
          jobTemplate: {
            spec: {
              ...limits,
              template: {
                metadata: { labels: { ...labels, job: jobName } },
                spec: {
                  restartPolicy: "Never",
                  serviceAccountName: serviceAccount.metadata.name,
                  // Each step runs as its own image's user; the volumes belong to the AWS CLI's group.
                  securityContext: restrictedPodSecurity(imageUsers.awsCli),
                  ...pod,
                  volumes: [...pod.volumes, ...tmpScratch.volumes, ...awsHomeScratch.volumes],
                },
              },
            },
          },
        },
      },
      { parent: this },
    );
  }
}

/** What a pg_dump or psql step needs: the password, and with TLS libpq's verify-full against the mounted CA. */
function postgresClientSetup(postgres: BackupJobsArgs["postgres"]): {
  env: k8s.types.input.core.v1.EnvVar[];
  volumes: k8s.types.input.core.v1.Volume[];
  volumeMounts: k8s.types.input.core.v1.VolumeMount[];
} {
  const password = secretEnv("PGPASSWORD", postgres.authSecretName, "password");
  if (postgres.caConfigMapName === undefined) {
    return { env: [password], volumes: [], volumeMounts: [] };
  }
  return {
    env: [password, ...plainEnv(postgresClientTlsEnv())],
    volumes: [trustedCaVolume(postgres.caConfigMapName).volume],
    volumeMounts: [trustedCaVolume(postgres.caConfigMapName).volumeMount],
  };
}
