import { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";

import { resourceTypes } from "../components/resourceKinds";
import { Props } from "./policyTypes";

/**
 * Whether `setting` configures `bucket`: by the engine's dependency record,
 * by the bucket name once known, or as the only bucket of the same component.
 */
function configures(setting: PolicyResource, bucket: PolicyResource, buckets: PolicyResource[]): boolean {
  if ((setting.propertyDependencies.bucket ?? []).some((dep) => dep.urn === bucket.urn)) {
    return true;
  }
  const name = (bucket.props as Props).bucket as unknown;
  if (name !== undefined && (setting.props as Props).bucket === name) {
    return true;
  }
  const sameParent = (r: PolicyResource) => r.parent !== undefined && r.parent.urn === setting.parent?.urn;
  return sameParent(bucket) && buckets.filter(sameParent).length === 1;
}

const requirements: readonly { type: string; what: string; ok: (props: Props) => boolean }[] = [
  {
    type: resourceTypes.bucketVersioning,
    what: "versioning enabled",
    ok: (p) => (p.versioningConfiguration as Props | undefined)?.status === "Enabled",
  },
  {
    type: resourceTypes.bucketEncryption,
    what: "default server-side encryption",
    ok: (p) =>
      ((p.rules ?? []) as Props[]).some(
        (r) => (r.applyServerSideEncryptionByDefault as Props | undefined)?.sseAlgorithm !== undefined,
      ),
  },
  {
    type: resourceTypes.bucketLifecycle,
    what: "an enabled lifecycle rule",
    ok: (p) => ((p.rules ?? []) as Props[]).some((r) => r.status === "Enabled"),
  },
  {
    type: resourceTypes.bucketPublicAccess,
    what: "all four public-access blocks on",
    ok: (p) =>
      p.blockPublicAcls === true &&
      p.blockPublicPolicy === true &&
      p.ignorePublicAcls === true &&
      p.restrictPublicBuckets === true,
  },
];

/** The backup bucket holds every client's data: versioned, encrypted, expiring by lifecycle, never public. */
export function backupBucketHardening(enforcementLevel: EnforcementLevel = "mandatory"): StackValidationPolicy {
  return {
    name: "backup-bucket-hardening",
    description: "S3 buckets have versioning, encryption, a lifecycle and blocked public access.",
    enforcementLevel,
    validateStack: (args, reportViolation) => {
      const buckets = args.resources.filter((r) => r.type === resourceTypes.bucket);
      for (const bucket of buckets) {
        for (const requirement of requirements) {
          const settings = args.resources.filter((r) => r.type === requirement.type && configures(r, bucket, buckets));
          if (!settings.some((s) => requirement.ok(s.props as Props))) {
            reportViolation(
              `Bucket ${bucket.name} lacks ${requirement.what}. Declare the bucket through BackupStorage, which sets versioning, encryption, lifecycle and the public-access block.`,
              bucket.urn,
            );
          }
        }
      }
    },
  };
}
