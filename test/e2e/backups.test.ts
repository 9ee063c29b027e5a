import { strict as assert } from "assert";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

import { restoreDrillCronJobName } from "../../components/backups/backupJobs";
import { NodeCluster } from "./nodeCluster";
import { SharedNode, sharedNode } from "./sharedNode";

/** Where local.sh points the backup jobs: a local S3 server outside the cluster, as AWS's would be. */
interface BackupBucket {
  readonly s3: S3Client;
  readonly name: string;
}

/** What the suite measured, printed at the end for the README. */
const figures: Record<string, string> = {};

async function bucketOf(node: SharedNode): Promise<BackupBucket> {
  const config = await node.stack.engine.getAllConfig();
  const value = (key: string): string => {
    const entry = config[`kg-rca-server:${key}`];
    assert.ok(entry !== undefined && entry.value !== "", `the local stack sets ${key}`);
    return entry.value;
  };
  const secret = value("backupS3CredentialsSecret");
  const s3 = new S3Client({
    endpoint: value("backupS3Endpoint"),
    region: await node.cluster.secretValue(secret, "AWS_DEFAULT_REGION"),
    credentials: {
      accessKeyId: await node.cluster.secretValue(secret, "AWS_ACCESS_KEY_ID"),
      secretAccessKey: await node.cluster.secretValue(secret, "AWS_SECRET_ACCESS_KEY"),
    },
    forcePathStyle: true,
  });
  return { s3, name: value("backupBucketName") };
}

// On the shared node, after the node suite: the billing database holds the clients and history earlier suites wrote.
describe("backups on the node: the PostgreSQL dump lands in the bucket, restores with every row, and the drill passes", function () {
  this.timeout(20 * 60 * 1000);
  let cluster: NodeCluster;
  let bucket: BackupBucket;
  let dumpKey: string;

  /** Runs a CronJob now and waits for its Job; returns the seconds it took. */
  async function runToCompletion(cronJob: string, job: string, containers: readonly string[]): Promise<number> {
    const started = Date.now();
    cluster.runCronJob(cronJob, job);
    const outcome = await cluster.jobOutcome(job, 600000);
    const seconds = (Date.now() - started) / 1000;
    if (outcome !== "Complete") {
      const logs = await Promise.all(containers.map((c) => cluster.jobLog(job, c).catch((e: unknown) => String(e))));
      assert.fail(`Job ${job} failed:\n${logs.join("\n")}`);
    }
    return seconds;
  }

  async function dumpKeys(): Promise<string[]> {
    const listed = await bucket.s3.send(new ListObjectsV2Command({ Bucket: bucket.name, Prefix: "postgresql/" }));
    return (listed.Contents ?? []).map((o) => o.Key ?? "");
  }

  async function tableRows(table: "clients" | "client_history", database: string): Promise<unknown[]> {
    const order = table === "clients" ? "id" : "seq";
    return cluster.billing(`SELECT * FROM ${table} ORDER BY ${order}`, [], database);
  }

  before(async () => {
    const node = await sharedNode();
    cluster = node.cluster;
    bucket = await bucketOf(node);
  });

  after(() => {
    console.log(`      figures: ${JSON.stringify(figures)}`);
  });

  it("the PostgreSQL backup CronJob, run now, uploads a dump under its dated name", async () => {
    const job = "postgresql-backup-e2e";
    figures.backupSeconds = (await runToCompletion("postgresql-backup", job, ["dump", "upload"])).toFixed(1);
    // The key this run uploaded, from its own log: the CronJob keeps its real schedule, so a run
    // that crosses 03:00 UTC finds the scheduled dump in the bucket too.
    const uploaded = new RegExp(`uploaded s3://${bucket.name}/(\\S+)`).exec(await cluster.jobLog(job, "upload"));
    assert.ok(uploaded, "the upload container names the object it wrote");
    dumpKey = uploaded[1] ?? "";
    assert.ok((await dumpKeys()).includes(dumpKey), `${dumpKey} is in the bucket`);
    const stamp = /^postgresql\/billing-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.dump$/.exec(dumpKey);
    assert.ok(stamp, `${dumpKey} is named DATABASE-YYYYmmdd-HHMMSS.dump`);
    const [, y, mo, d, h, mi, s] = stamp.map(Number);
    const dumpedAt = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
    assert.ok(Math.abs(Date.now() - dumpedAt) < 15 * 60 * 1000, `${dumpKey} is dated now (UTC)`);
    await cluster.deleteJob(job);
  });

  it("restored into a scratch database, the dump holds every client's billing row and history entry as they are live", async () => {
    const object = await bucket.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: dumpKey }));
    const dump = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    assert.ok(dump.length > 0, "the dump is not empty");
    figures.dumpBytes = String(dump.length);
    const scratch = `e2e_restore_${Date.now()}`;
    await cluster.billing(`CREATE DATABASE ${scratch}`);
    try {
      const started = Date.now();
      // pg_restore inside the server's pod, reading the dump downloaded from the bucket on its standard input.
      cluster.kubectlWithInput(
        dump,
        "exec",
        "-i",
        "postgresql-0",
        "--",
        "bash",
        "-c",
        'PGPASSWORD="$POSTGRES_PASSWORD" pg_restore -h 127.0.0.1 -U "$POSTGRES_USER" --no-owner --no-privileges --exit-on-error -d "$1"',
        "restore",
        scratch,
      );
      figures.restoreSeconds = ((Date.now() - started) / 1000).toFixed(1);
      for (const table of ["clients", "client_history"] as const) {
        const live = await tableRows(table, "billing");
        assert.ok(live.length > 0, `live ${table} has rows`);
        assert.deepEqual(await tableRows(table, scratch), live, table);
      }
    } finally {
      await cluster.billing(`DROP DATABASE IF EXISTS ${scratch}`);
    }
  });

  it("the restore drill, run now, restores the newest dump, checks it against live, drops its scratch database and succeeds", async () => {
    const job = "postgresql-restore-drill-e2e";
    // Newest by name, as the drill picks it: this suite's dump, or a scheduled one made since.
    const newest = (await dumpKeys()).sort().pop();
    assert.ok(newest !== undefined && newest >= dumpKey, `the bucket still holds ${dumpKey} or a newer dump`);
    figures.drillSeconds = (await runToCompletion(restoreDrillCronJobName, job, ["download", "restore"])).toFixed(1);
    const clients = (await cluster.billing("SELECT count(*)::int AS n FROM clients"))[0]?.n;
    const log = await cluster.jobLog(job, "restore");
    assert.match(log, new RegExp(`restored: clients ${String(clients)} \\(live ${String(clients)}\\)`));
    assert.match(log, /restore drill: passed/);
    assert.match(await cluster.jobLog(job, "download"), new RegExp(`downloaded s3://${bucket.name}/${newest}`));
    const scratch = await cluster.billing("SELECT datname FROM pg_database WHERE datname LIKE 'restore_drill_%'");
    assert.deepEqual(scratch, [], "the drill dropped its scratch database");
    await cluster.deleteJob(job);
  });
});
