import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { BackupsConfig } from "../../config";
import { backupRolePolicy, backupRoleTrustPolicy, tlsOnlyBucketPolicy } from "./backupPolicies";

export interface BackupStorageArgs {
  /** Namespace of the backup ServiceAccount: the role is named after it and trusts only that account. */
  readonly namespace: string;
  /** Bucket name, archive and expiry days, archive class and the cluster's OIDC provider (validated stack config). */
  readonly backups: BackupsConfig;
}

/**
 * The S3 bucket that receives every backup — versioned, encrypted, private,
 * TLS-only, archived then expired by lifecycle, protected from deletion — and
 * the IAM role the backup jobs assume through the cluster's OIDC provider.
 */
export class BackupStorage extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:backups:BackupStorage", name, {}, opts);
    const b = args.backups;
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: b.bucketName, forceDestroy: false },
      { parent: this, protect: true },
    );
    const child = { parent: this };
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
      },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "archive-then-expire",
            status: "Enabled",
            filter: {},
            transitions: [{ days: b.archiveAfterDays, storageClass: b.archiveStorageClass }],
            expiration: { days: b.expireAfterDays },
            noncurrentVersionTransitions: [{ noncurrentDays: b.archiveAfterDays, storageClass: b.archiveStorageClass }],
            noncurrentVersionExpiration: { noncurrentDays: b.expireAfterDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      child,
    );
    // Applied after the public-access block, which would otherwise race the policy.
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
      { parent: this, dependsOn: [publicAccess] },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: `kg-rca-backup-${args.namespace}`,
        description: "Assumed by the KG RCA backup CronJobs through the cluster's OIDC provider",
        assumeRolePolicy: JSON.stringify(backupRoleTrustPolicy(b.oidcProviderArn, args.namespace)),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-role-policy`,
      { role: role.id, policy: bucket.arn.apply((arn) => JSON.stringify(backupRolePolicy(arn))) },
      { parent: this },
    );
    this.bucketName = bucket.bucket;
    this.roleArn = role.arn;
    this.registerOutputs({ bucketName: this.bucketName, roleArn: this.roleArn });
  }
}
