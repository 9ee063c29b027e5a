import { strict as assert } from "assert";

import {
  backupRolePolicy,
  backupRoleTrustPolicy,
  oidcIssuer,
  tlsOnlyBucketPolicy,
} from "../../components/backups/backupPolicies";
import { BackupJobs, BackupStorage } from "../../components";
import { MockRun } from "../../tools/mockEngine";
import { backupJobsArgs, backupStorageArgs } from "./fixtures/componentArgs";
import { synthesizeFixtureStack } from "./fixtures/stack";
import { find, inputsOf, ofType, synthesizeComponents, Tree, types } from "./helpers/synthesize";

const oidcArn = "arn:aws:iam::000000000000:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";

describe("backups", () => {
  let run: MockRun;
  before(async () => {
    run = await synthesizeComponents(() => {
      const storage = new BackupStorage("backups", backupStorageArgs);
      new BackupJobs("backup-jobs", { ...backupJobsArgs, roleArn: storage.roleArn });
    });
  });

  describe("bucket", () => {
    it("is named from config and protected from deletion", () => {
      const bucket = find(run, "aws:s3/bucket:Bucket", "backups-bucket");
      assert.deepEqual(bucket.inputs, { bucket: "kg-rca-backups", forceDestroy: false });
      assert.equal(bucket.protect, true);
      assert.equal(bucket.parent, "backups");
    });

    it("is versioned, encrypted and blocks every kind of public access", () => {
      assert.deepEqual(
        inputsOf(run, "aws:s3/bucketVersioning:BucketVersioning", "backups-versioning").versioningConfiguration,
        {
          status: "Enabled",
        },
      );
      assert.deepEqual(
        inputsOf(
          run,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          "backups-encryption",
        ).rules,
        [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
      );
      const block: Tree = inputsOf(
        run,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "backups-public-access",
      );
      assert.deepEqual(
        [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
        [true, true, true, true],
      );
    });

    it("archives then expires backups by the configured lifecycle", async () => {
      const changed = await synthesizeFixtureStack({
        backupArchiveAfterDays: "14",
        backupExpireAfterDays: "90",
        backupArchiveStorageClass: "DEEP_ARCHIVE",
      });
      const rule: Tree = inputsOf(
        changed,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "backups-lifecycle",
      ).rules[0];
      assert.deepEqual(rule.transitions, [{ days: 14, storageClass: "DEEP_ARCHIVE" }]);
      assert.deepEqual(rule.expiration, { days: 90 });
      assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 90 });
      assert.equal(rule.status, "Enabled");
    });

    it("refuses an expiry that does not come after the archive transition", async () => {
      await assert.rejects(
        synthesizeFixtureStack({ backupArchiveAfterDays: "30", backupExpireAfterDays: "30" }),
        /backupExpireAfterDays: \(30\) must be after backupArchiveAfterDays \(30\)/,
      );
    });

    it("denies every request without TLS", () => {
      const policy = tlsOnlyBucketPolicy("arn:aws:s3:::kg-rca-backups");
      assert.deepEqual(policy.Statement[0], {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::kg-rca-backups", "arn:aws:s3:::kg-rca-backups/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    });
  });

  describe("IAM role", () => {
    it("is assumable only by the backup ServiceAccount through the cluster's OIDC provider", () => {
      assert.equal(oidcIssuer(oidcArn), "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE");
      const trust = backupRoleTrustPolicy(oidcArn, "kg-rca-server");
      assert.deepEqual(trust.Statement[0], {
        Effect: "Allow",
        Principal: { Federated: oidcArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:kg-rca-server:kg-rca-backup",
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com",
          },
        },
      });
      const role: Tree = inputsOf(run, "aws:iam/role:Role", "backups-role");
      assert.deepEqual(JSON.parse(role.assumeRolePolicy), trust);
    });

    it("may write and read only the two backup prefixes, and delete nothing", () => {
      const statements = backupRolePolicy("arn:aws:s3:::b").Statement;
      assert.deepEqual(statements[1]?.Resource, ["arn:aws:s3:::b/neo4j/*", "arn:aws:s3:::b/postgresql/*"]);
      assert.ok(!JSON.stringify(statements).includes("Delete"));
    });

    it("is mapped onto the backup ServiceAccount, with no static keys anywhere", async () => {
      const sa: Tree = inputsOf(run, "kubernetes:core/v1:ServiceAccount", "backup-jobs-service-account");
      assert.equal(sa.metadata.name, "kg-rca-backup");
      assert.equal(sa.metadata.annotations["eks.amazonaws.com/role-arn"], "arn:aws:mock::000000000000:backups-role");
      const program = await synthesizeFixtureStack();
      assert.doesNotMatch(JSON.stringify(program.resources), /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/);
    });
  });

  describe("CronJobs", () => {
    const spec = (name: string): Tree => inputsOf(run, types.cronJob, name).spec;

    it("back up Neo4j at 02:00 and PostgreSQL at 03:00 in the configured time zone, never overlapping", () => {
      for (const [name, schedule] of [
        ["backup-jobs-neo4j", "0 2 * * *"],
        ["backup-jobs-postgresql", "0 3 * * *"],
      ] as const) {
        const s = spec(name);
        assert.equal(s.schedule, schedule);
        assert.equal(s.timeZone, "Etc/UTC");
        assert.equal(s.concurrencyPolicy, "Forbid");
        assert.deepEqual(
          [s.successfulJobsHistoryLimit, s.failedJobsHistoryLimit, s.jobTemplate.spec.backoffLimit],
          [3, 5, 2],
        );
        const pod = s.jobTemplate.spec.template.spec;
        assert.equal(pod.serviceAccountName, "kg-rca-backup");
        for (const c of [...pod.initContainers, ...pod.containers]) {
          assert.ok(c.resources.requests.cpu && c.resources.limits.memory, `${name}/${c.name} has resources`);
        }
      }
      assert.deepEqual(
        ofType(run, types.cronJob)
          .map((r) => (r.inputs as Tree).metadata.name)
          .sort(),
        ["neo4j-backup", "postgresql-backup", "postgresql-restore-drill"],
      );
    });

    it("take an online Neo4j backup of every database from the running cluster and upload it by date", () => {
      const pod = spec("backup-jobs-neo4j").jobTemplate.spec.template.spec;
      const backup: string = pod.initContainers[0].command[2];
      assert.equal(pod.initContainers[0].image, "neo4j:5.26.5-enterprise");
      assert.match(
        backup,
        /neo4j-admin database backup --from=neo4j-0\.neo4j-headless\.kg-rca-server\.svc\.cluster\.local:6362,neo4j-1\.[^,]+:6362,neo4j-2\.[^ ]+:6362 --to-path="\$TARGET" --include-metadata=all --additional-config=\/tmp\/backup-tls\.conf '\*'/,
      );
      assert.doesNotMatch(backup, /database dump/);
      // Community has no online backup: the job says so and stops before trying.
      assert.match(
        backup,
        /^set -euo pipefail\nif ! neo4j-admin database --help 2>&1 \| grep -qE '\^ \+backup \+'; then\n {2}echo "neo4j backup: FAILED: [^"]*Enterprise Edition/,
      );
      assert.match(backup, /find \/backups -mindepth 1 -maxdepth 1 -type d -mtime \+7 -print -exec rm -rf/);
      const upload: string = pod.containers[0].command[2];
      assert.match(upload, /aws s3 sync "\/backups\/\$DATE" "s3:\/\/kg-rca-backups\/neo4j\/\$DATE\/"/);
      assert.equal(pod.containers[0].image, "amazon/aws-cli:2.17.52");
      assert.equal(pod.volumes[0].persistentVolumeClaim.claimName, "neo4j-backups");
    });

    it("take the Neo4j backup over TLS: the client's policy trusts the CA of the servers' Secret", () => {
      const pod = spec("backup-jobs-neo4j").jobTemplate.spec.template.spec;
      const backup: string = pod.initContainers[0].command[2];
      assert.match(backup, /cp "\/ssl\/backup\/ca\.crt" "\/tmp\/backup-trusted\/ca\.crt"/);
      for (const setting of [
        "dbms.ssl.policy.backup.enabled=true",
        "dbms.ssl.policy.backup.base_directory=/ssl/backup",
        "dbms.ssl.policy.backup.client_auth=NONE",
        "dbms.ssl.policy.backup.trusted_dir=/tmp/backup-trusted",
      ]) {
        assert.ok(backup.includes(`\n${setting}\n`), setting);
      }
      assert.deepEqual(
        pod.volumes.find((v: Tree) => v.name === "neo4j-tls"),
        { name: "neo4j-tls", secret: { secretName: "neo4j-tls", defaultMode: 0o440 } },
      );
      assert.ok(
        backup.indexOf("grep -qE") < backup.indexOf("backup-tls.conf"),
        "Community's refusal still comes first",
      );
    });

    it("dump PostgreSQL in custom format with the password from its Secret", () => {
      const pod = spec("backup-jobs-postgresql").jobTemplate.spec.template.spec;
      assert.match(
        pod.initContainers[0].command[2],
        /pg_dump -h postgresql\.kg-rca-server\.svc\.cluster\.local -U billing -d billing -F c -f "\$FILE"/,
      );
      // TLS only: libpq verifies the server against the platform's CA and the Service's name.
      assert.deepEqual(pod.initContainers[0].env, [
        { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "postgresql-auth", key: "password" } } },
        { name: "PGSSLMODE", value: "verify-full" },
        { name: "PGSSLROOTCERT", value: "/etc/kg-rca-ca/ca.crt" },
      ]);
      assert.match(
        pod.containers[0].command[2],
        /aws s3 cp "\/backups\/\$FILE" "s3:\/\/kg-rca-backups\/postgresql\/\$FILE"/,
      );
    });

    it("drill a restore weekly: the newest dump downloaded, restored into a scratch database and checked, one attempt", () => {
      const s = spec("backup-jobs-postgresql-restore-drill");
      assert.deepEqual([s.schedule, s.timeZone, s.concurrencyPolicy], ["0 5 * * 0", "Etc/UTC", "Forbid"]);
      assert.deepEqual([s.jobTemplate.spec.backoffLimit, s.jobTemplate.spec.activeDeadlineSeconds], [0, 7200]);
      const pod = s.jobTemplate.spec.template.spec;
      assert.equal(pod.serviceAccountName, "kg-rca-backup");
      const [download] = pod.initContainers;
      assert.equal(download.image, "amazon/aws-cli:2.17.52");
      assert.match(download.command[2], /aws s3 ls "s3:\/\/kg-rca-backups\/postgresql\/"/);
      assert.deepEqual(download.volumeMounts, [
        { name: "backups", mountPath: "/backups" },
        { name: "tmp", mountPath: "/tmp" },
        { name: "aws-home", mountPath: "/home/aws" },
      ]);
      const [restore] = pod.containers;
      assert.equal(restore.image, backupJobsArgs.postgresImage);
      assert.match(restore.command[2], /export PGHOST=postgresql\.kg-rca-server\.svc\.cluster\.local PGUSER=billing/);
      assert.match(restore.command[2], /-le 26 \] \|\| fail "the newest dump/);
      assert.deepEqual(restore.env, [
        { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "postgresql-auth", key: "password" } } },
        { name: "PGSSLMODE", value: "verify-full" },
        { name: "PGSSLROOTCERT", value: "/etc/kg-rca-ca/ca.crt" },
      ]);
      assert.deepEqual(pod.volumes, [
        { name: "backups", emptyDir: {} },
        { name: "tls-ca", configMap: { name: "tls-ca" } },
        { name: "tmp", emptyDir: {} },
        { name: "aws-home", emptyDir: {} },
      ]);
      // Each step as its own image's user: the download as the AWS CLI's, the restore as PostgreSQL's.
      assert.deepEqual(
        [pod.securityContext.runAsUser, download.securityContext.runAsUser, restore.securityContext.runAsUser],
        [1000, 1000, 999],
      );
    });

    it("follow schedule and time zone from config, and refuse a malformed schedule", async () => {
      const changed = await synthesizeFixtureStack({
        backupNeo4jSchedule: "30 1 * * 0",
        backupTimeZone: "Europe/Berlin",
      });
      const s: Tree = inputsOf(changed, types.cronJob, "backup-jobs-neo4j").spec;
      assert.deepEqual([s.schedule, s.timeZone], ["30 1 * * 0", "Europe/Berlin"]);
      await assert.rejects(
        synthesizeFixtureStack({ backupPostgresSchedule: "daily" }),
        /backupPostgresSchedule: must be a five-field cron schedule/,
      );
    });
  });

  it("with AWS switched off, declares no AWS resource and keeps the jobs without a role", async () => {
    const local = await synthesizeFixtureStack({ awsEnabled: "false" });
    assert.deepEqual(
      local.resources.filter((r) => r.type.startsWith("aws:")),
      [],
    );
    const sa: Tree = inputsOf(local, "kubernetes:core/v1:ServiceAccount", "backup-jobs-service-account");
    assert.equal(sa.metadata.annotations, undefined);
    assert.equal(ofType(local, types.cronJob).length, 3);
  });

  it("point every AWS CLI step at a configured S3 endpoint and keys Secret, and at AWS with the role otherwise", async () => {
    const awsCliSteps = (tree: MockRun): Tree[] =>
      ofType(tree, types.cronJob).flatMap((r) => {
        const pod = (r.inputs as Tree).spec.jobTemplate.spec.template.spec;
        return [...(pod.initContainers ?? []), ...pod.containers].filter(
          (c: Tree) => c.image === "amazon/aws-cli:2.17.52",
        );
      });
    const local = await synthesizeFixtureStack({
      awsEnabled: "false",
      backupS3Endpoint: "http://172.31.254.1:19000",
      backupS3CredentialsSecret: "backup-s3-credentials",
    });
    const steps = awsCliSteps(local);
    assert.equal(steps.length, 3);
    for (const step of steps) {
      assert.deepEqual(step.env, [
        { name: "HOME", value: "/home/aws" },
        { name: "AWS_ENDPOINT_URL", value: "http://172.31.254.1:19000" },
      ]);
      assert.deepEqual(step.envFrom, [{ secretRef: { name: "backup-s3-credentials" } }]);
    }
    for (const step of awsCliSteps(run)) {
      // AWS's endpoint and the role's credentials; only a writable HOME is set.
      assert.deepEqual([step.env, step.envFrom], [[{ name: "HOME", value: "/home/aws" }], undefined]);
    }
  });
});
