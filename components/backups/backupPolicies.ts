/** IAM and bucket policy documents of the backup storage, as plain data (tested directly). */

export const backupServiceAccount = "kg-rca-backup";

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Record<string, unknown>[];
}

/** Refuses every request to the bucket that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** The issuer part of an IAM OIDC provider ARN: `oidc.eks.REGION.amazonaws.com/id/ID`. */
export function oidcIssuer(oidcProviderArn: string): string {
  const marker = ":oidc-provider/";
  const at = oidcProviderArn.indexOf(marker);
  if (at < 0) {
    throw new Error(`${oidcProviderArn} is not an IAM OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/ISSUER)`);
  }
  return oidcProviderArn.slice(at + marker.length);
}

/** Only the backup ServiceAccount of the platform's namespace may assume the role, through the cluster's OIDC provider. */
export function backupRoleTrustPolicy(oidcProviderArn: string, namespace: string): PolicyDocument {
  const issuer = oidcIssuer(oidcProviderArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${backupServiceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** Write and read backups under the two prefixes; list the bucket. No delete: expiry is the lifecycle's job. */
export function backupRolePolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [bucketArn] },
      {
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
        Resource: [`${bucketArn}/neo4j/*`, `${bucketArn}/postgresql/*`],
      },
    ],
  };
}
