/**
 * `npm run fleet` with the real engine, a real API server, Kafka broker and PostgreSQL: an
 * environment of one platform stack and two tenants stacks (capacityMaxClients 4 over
 * tenantShardSize 2), in the local services' backend beside the local stack. Clients are chosen
 * by their shard: fleet-b and fleet-d in shard 0, fleet-a, fleet-c and fleet-f in shard 1.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { Kafka, logLevel } from "kafkajs";
import { Client } from "pg";

import { ClientEntry } from "../../clients/types";
import { shardOf } from "../../clients/shards";
import { LocalStack, projectDir } from "./localStack";
import { produceAs, readEvery } from "./tenantMessages";

const env = "fleet";
const fleetNamespace = "kg-rca-fleet";
const entry = (id: string): ClientEntry => ({
  id,
  name: id,
  email: `ops@${id}.example.com`,
  plan: "basic",
  status: "active",
});

interface SummaryRow {
  readonly status: string;
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly replace: number;
  readonly other: number;
}

/** The fleet's summary table, by stack. */
function summary(output: string): Record<string, SummaryRow> {
  const rows: Record<string, SummaryRow> = {};
  for (const match of output.matchAll(
    /^\| (\S+) \| (ok|failed|skipped) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|/gm,
  )) {
    const [, stack, status, create, update, del, replace, other] = match;
    rows[stack as string] = {
      status: status as string,
      create: Number(create),
      update: Number(update),
      delete: Number(del),
      replace: Number(replace),
      other: Number(other),
    };
  }
  return rows;
}

const unchanged = (status = "ok"): SummaryRow => ({ status, create: 0, update: 0, delete: 0, replace: 0, other: 0 });

describe("fleet: a platform stack and tenants stacks driven by one command", function () {
  this.timeout(30 * 60 * 1000);
  const stack = new LocalStack();
  let workDir: string;
  let registryFile: string;
  let stackFile: string;

  const writeRegistry = (ids: readonly string[]): void => {
    fs.writeFileSync(registryFile, JSON.stringify(ids.map(entry), null, 2));
  };

  /** `npm run fleet` for an environment whose stack files are in `dir`. */
  const fleetIn = (environment: string, dir: string, ...args: string[]): { status: number; output: string } => {
    const result = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/fleet.ts", ...args, "--env", environment, "--work-dir", dir],
      {
        cwd: projectDir,
        env: stack.environment,
        encoding: "utf8",
        timeout: 15 * 60 * 1000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  };
  const fleet = (...args: string[]): { status: number; output: string } => fleetIn(env, workDir, ...args);

  const pulumi = (...args: string[]): { status: number; output: string } => {
    const result = spawnSync("pulumi", [...args, "--non-interactive"], {
      cwd: workDir,
      env: stack.environment,
      encoding: "utf8",
      // A platform stack's exported state is several MiB.
      maxBuffer: 256 * 1024 * 1024,
    });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  };

  const topics = async (): Promise<string[]> => (await allTopics()).filter((t) => t.startsWith("fleet-"));

  /** Client ids a stack's state holds ClientTenant components for. */
  const clientsInState = (name: string): string[] => {
    const exported = pulumi("stack", "export", "--stack", name);
    assert.equal(exported.status, 0, exported.output);
    const state = JSON.parse(exported.output) as { deployment: { resources?: { type: string; urn: string }[] } };
    return (state.deployment.resources ?? [])
      .filter((r) => r.type === "kg-rca:tenants:ClientTenant")
      .map((r) => r.urn.split("::").pop() as string)
      .sort();
  };

  /** A Kafka client of a SCRAM user, on the bare broker's listener. */
  const kafkaAs = (username: string, password: string): Kafka =>
    new Kafka({
      brokers: ["127.0.0.1:19092"],
      sasl: { mechanism: "scram-sha-512", username, password },
      connectionTimeout: 5000,
      retry: { retries: 3, initialRetryTime: 300 },
      logLevel: logLevel.NOTHING,
    });
  const adminKafka = (): Kafka => kafkaAs("admin", String(stack.environment.KAFKA_ADMIN_PASSWORD));

  /** A client's Kafka client, with the credentials its stack wrote into its Secret. */
  const tenantKafka = async (clientId: string): Promise<Kafka> => {
    const secret = await stack.kube.mustGet(
      "kubernetes:core/v1:Secret",
      fleetNamespace,
      `${clientId}-kafka-credentials`,
    );
    const field = (key: string): string => Buffer.from(String(secret.data[key]), "base64").toString("utf8");
    return kafkaAs(field("username"), field("password"));
  };

  const allTopics = async (): Promise<string[]> => {
    const admin = adminKafka().admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).sort();
    } finally {
      await admin.disconnect();
    }
  };

  /** A client's billing row as plan:status. */
  const billingOf = async (clientId: string): Promise<string[]> => {
    const billing = new Client({ connectionString: String(stack.environment.KG_RCA_BILLING_DATABASE_URL) });
    await billing.connect();
    try {
      const { rows } = await billing.query<{ row: string }>(
        "SELECT plan || ':' || status AS row FROM clients WHERE id = $1",
        [clientId],
      );
      return rows.map((r) => r.row);
    } finally {
      await billing.end();
    }
  };

  /** The local stack's clients' topics (tenant-a, tenant-b). */
  const localTopics = async (): Promise<string[]> => (await allTopics()).filter((t) => t.startsWith("tenant-"));
  const clientsInLocalState = (): string[] => clientsInState("local");

  before(async function () {
    const result = await stack.up();
    assert.equal(result.status, 0, `local services failed:\n${result.output.slice(-4000)}`);
    workDir = path.join(stack.dir, "fleet");
    fs.mkdirSync(workDir);
    registryFile = path.join(workDir, "registry.json");
    writeRegistry(["fleet-a", "fleet-b", "fleet-c"]);
    // The local stack's file (its encrypted admin password, the bare broker's address), made a
    // platform stack of two shards in a namespace of its own, reading the cluster's StorageClass.
    const local = yaml.load(fs.readFileSync(stack.configFile, "utf8")) as { config: Record<string, unknown> };
    local.config = {
      ...local.config,
      "kg-rca-server:stackRole": "platform",
      "kg-rca-server:namespace": fleetNamespace,
      "kg-rca-server:storageClassProvisioner": "",
      // The local stack holds 31090-31091.
      "kg-rca-server:kafkaExternalBootstrapAddress": "172.31.254.2:31190",
      "kg-rca-server:kafkaExternalBrokerAddresses": "172.31.254.2:31191",
      "kg-rca-server:clientRegistry": `file:${registryFile}`,
      "kg-rca-server:capacityMaxClients": 4,
      "kg-rca-server:tenantShardSize": 2,
    };
    stackFile = path.join(workDir, `Pulumi.${env}.yaml`);
    fs.writeFileSync(stackFile, yaml.dump(local));
    assert.deepEqual(
      ["fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-f"].map((id) => shardOf(id, 2)),
      [1, 0, 1, 0, 1],
      "the clients' shards this suite is written for",
    );
  });

  after(() => {
    // Throwaway stacks of throwaway servers: discarded with them, not destroyed.
    const result = stack.discard();
    if (result.status !== 0) {
      console.error(result.output.slice(-3000));
    }
  });

  it("1. up runs the platform stack, then creates one stack per shard holding that shard's clients only", async () => {
    const { status, output } = fleet("up");
    assert.equal(status, 0, output.slice(-5000));
    const rows = summary(output);
    assert.deepEqual(Object.keys(rows), ["fleet", "fleet-tenants-0", "fleet-tenants-1"]);
    assert.ok(output.indexOf("up fleet (platform stack)") < output.indexOf("up fleet-tenants-0"), "the platform first");
    assert.ok((rows["fleet-tenants-1"]?.create ?? 0) > (rows["fleet-tenants-0"]?.create ?? 0), "two clients, then one");
    assert.deepEqual(clientsInState("fleet-tenants-0"), ["fleet-b"]);
    assert.deepEqual(clientsInState("fleet-tenants-1"), ["fleet-a", "fleet-c"]);
    assert.deepEqual(clientsInState("fleet"), [], "the platform stack holds no client");
    const created = await topics();
    for (const id of ["fleet-a", "fleet-b", "fleet-c"]) {
      assert.ok(created.includes(`${id}.events.normalized`), `${id}'s topics: ${created.join(", ")}`);
    }
    // The tenants stacks' files hold their place in the environment and nothing else.
    const tenantsFile = yaml.load(fs.readFileSync(path.join(workDir, "Pulumi.fleet-tenants-0.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    assert.deepEqual(tenantsFile.config, {
      "kg-rca-server:platformStack": "fleet",
      "kg-rca-server:stackRole": "tenants",
      "kg-rca-server:tenantShard": "0",
    });
  });

  it("2. a preview right after reports no change in any stack", () => {
    const { status, output } = fleet("preview");
    assert.equal(status, 0, output.slice(-5000));
    assert.deepEqual(summary(output), {
      fleet: unchanged(),
      "fleet-tenants-0": unchanged(),
      "fleet-tenants-1": unchanged(),
    });
  });

  it("3. onboarding a client previews as creates in its shard only, and changes its shard's stack only", () => {
    writeRegistry(["fleet-a", "fleet-b", "fleet-c", "fleet-d"]);
    // The preview a pull request gets: the new client's SCRAM password does not exist yet.
    const preview = fleet("preview");
    assert.equal(preview.status, 0, preview.output.slice(-5000));
    const previewed = summary(preview.output);
    assert.deepEqual(previewed.fleet, unchanged());
    assert.deepEqual(previewed["fleet-tenants-1"], unchanged());
    assert.ok((previewed["fleet-tenants-0"]?.create ?? 0) >= 10, JSON.stringify(previewed));
    assert.doesNotMatch(preview.output, /value is unknown|panic/);
    const { status, output } = fleet("up");
    assert.equal(status, 0, output.slice(-5000));
    const rows = summary(output);
    assert.deepEqual(rows.fleet, unchanged());
    assert.deepEqual(rows["fleet-tenants-1"], unchanged());
    assert.ok((rows["fleet-tenants-0"]?.create ?? 0) >= 10, JSON.stringify(rows));
    assert.deepEqual(clientsInState("fleet-tenants-0"), ["fleet-b", "fleet-d"]);
  });

  it("4. an onboarding proceeds while an update holds the platform stack's lock", async () => {
    const locks = path.join(stack.dir, "backend", ".pulumi", "locks", "organization", "kg-rca-server", env);
    // A real update of the platform stack, held in the middle: the CLI is stopped once its lock
    // is taken, as a broker roll would hold it for minutes.
    const update = spawn("pulumi", ["up", "--yes", "--skip-preview", "--stack", env, "--non-interactive"], {
      cwd: workDir,
      env: stack.environment,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let updateOutput = "";
    update.stdout.on("data", (chunk: Buffer) => (updateOutput += chunk.toString()));
    update.stderr.on("data", (chunk: Buffer) => (updateOutput += chunk.toString()));
    const finished = new Promise<number>((resolve) => {
      update.on("exit", (code) => {
        resolve(code ?? -1);
      });
    });
    const pid = update.pid as number;
    try {
      const deadline = Date.now() + 60000;
      while (!(fs.existsSync(locks) && fs.readdirSync(locks).length > 0)) {
        assert.ok(Date.now() < deadline, `the update took no lock within a minute:\n${updateOutput}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      process.kill(pid, "SIGSTOP");
      const second = pulumi("up", "--yes", "--skip-preview", "--stack", env);
      assert.notEqual(second.status, 0);
      assert.match(second.output, /locked by/, "the platform stack is really locked");
      writeRegistry(["fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-f"]);
      const { status, output } = fleet("up", "--shard", "1");
      assert.equal(status, 0, output.slice(-5000));
      assert.deepEqual(Object.keys(summary(output)), ["fleet-tenants-1"]);
      assert.ok((await topics()).includes("fleet-f.events.normalized"));
    } finally {
      process.kill(pid, "SIGCONT");
    }
    assert.equal(await finished, 0, `the held platform update, resumed, completes:\n${updateOutput.slice(-3000)}`);
    assert.deepEqual(fs.readdirSync(locks), [], "and releases its lock");
  });

  it("5. removing a client is refused in its shard, the other stacks run, and nothing is deleted", async () => {
    const before = await topics();
    writeRegistry(["fleet-a", "fleet-c", "fleet-d", "fleet-f"]);
    try {
      const { status, output } = fleet("up");
      assert.equal(status, 1, output.slice(-5000));
      const rows = summary(output);
      assert.equal(rows["fleet-tenants-0"]?.status, "failed");
      assert.deepEqual(rows.fleet, unchanged());
      assert.deepEqual(rows["fleet-tenants-1"], unchanged());
      assert.match(output, /client "fleet-b" \(status active\) was removed\. Entries are never removed/);
      assert.match(output, /1 not ok: fleet-tenants-0/);
      assert.deepEqual(await topics(), before);
      assert.deepEqual(clientsInState("fleet-tenants-0"), ["fleet-b", "fleet-d"]);
    } finally {
      writeRegistry(["fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-f"]);
    }
  });

  it("6. bad input is refused before any stack runs: an unknown environment, a changed shard count, a shard that does not exist", () => {
    const unknown = fleetIn("nowhere", workDir, "preview");
    assert.equal(unknown.status, 1);
    assert.match(
      unknown.output,
      /--env nowhere: unknown environment, there is no .*Pulumi\.nowhere\.yaml; known: fleet/,
    );

    const original = fs.readFileSync(stackFile, "utf8");
    try {
      fs.writeFileSync(
        stackFile,
        original.replace(/kg-rca-server:tenantShardSize: 2/, "kg-rca-server:tenantShardSize: 1"),
      );
      const { status, output } = fleet("preview");
      assert.equal(status, 1, output);
      assert.match(
        output,
        /they make 4 tenant shards, and environment fleet was created with 2\. The count is fixed; nothing was run/,
      );
      assert.doesNotMatch(pulumi("stack", "ls").output, /fleet-tenants-2/, "no stack was created for the new count");
    } finally {
      fs.writeFileSync(stackFile, original);
    }

    const shard = fleet("preview", "--shard", "2");
    assert.equal(shard.status, 2, shard.output);
    assert.match(shard.output, /--shard must be one of environment fleet's shards, 0 to 1; got "2"/);
  });

  it("7. the tenant scenarios through fleet: own topics only, plan upgrade in place, suspension and reactivation, offboarding in two steps, in its shard's stack alone", async () => {
    const others = ["fleet-a", "fleet-b", "fleet-c", "fleet-f"].map(entry);
    const events = "fleet-d.events.normalized";
    /**
     * fleet-d's entry changed, the others as they are, then `fleet up`: of every stack the first
     * time (only fleet-d's shard changes), of its shard alone after that (as --changed picks it).
     */
    let everyStack = true;
    const upWithD = (change: Partial<ClientEntry>): SummaryRow => {
      fs.writeFileSync(registryFile, JSON.stringify([...others, { ...entry("fleet-d"), ...change }], null, 2));
      const { status, output } = everyStack ? fleet("up") : fleet("up", "--shard", "0");
      assert.equal(status, 0, output.slice(-5000));
      const rows = summary(output);
      if (everyStack) {
        assert.deepEqual(rows.fleet, unchanged(), "the platform stack is untouched");
        assert.deepEqual(rows["fleet-tenants-1"], unchanged(), "the other shard is untouched");
        everyStack = false;
      }
      return rows["fleet-tenants-0"] as SummaryRow;
    };
    const d = await tenantKafka("fleet-d");
    await produceAs(d, events, "d-1");
    assert.deepEqual(await readEvery(d, `fleet-d.e2e-${Date.now()}`, events, 1), ["d-1"]);
    await assert.rejects(produceAs(d, "fleet-b.events.normalized", "sneaky"), /authoriz/i);

    const upgrade = upWithD({ plan: "pro" });
    assert.ok(upgrade.update > 0 && upgrade.delete === 0, JSON.stringify(upgrade));
    const admin = adminKafka().admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [events] });
      assert.equal(metadata.topics[0]?.partitions.length, 12, "pro's partitions, added in place");
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: events, configNames: ["retention.ms"] }],
      });
      assert.equal(configs.resources[0]?.configEntries[0]?.configValue, String(168 * 3600000));
    } finally {
      await admin.disconnect();
    }
    assert.deepEqual(await billingOf("fleet-d"), ["pro:active"]);

    upWithD({ plan: "pro", status: "suspended" });
    await assert.rejects(produceAs(d, events, "while-suspended"), /authoriz/i);
    assert.deepEqual(await billingOf("fleet-d"), ["pro:suspended"]);
    upWithD({ plan: "pro" });
    await produceAs(d, events, "d-2");
    assert.deepEqual(await readEvery(d, `fleet-d.e2e-${Date.now()}`, events, 2), ["d-1", "d-2"], "nothing lost");

    upWithD({ plan: "pro", status: "offboarding" });
    assert.ok((await topics()).includes(events), "the first step keeps the data");
    // The policy pack releases the topics by the status this run gives the guard: fleet-d joined
    // shard 0 after its guard's last update, so the guard's own outputs do not list it.
    upWithD({ plan: "pro", status: "offboarded" });
    assert.deepEqual(
      (await topics()).filter((t) => t.startsWith("fleet-d.")),
      [],
    );
    assert.deepEqual(await billingOf("fleet-d"), ["pro:deleted"]);
    assert.equal(
      await stack.kube.get("kubernetes:core/v1:Secret", fleetNamespace, "fleet-d-kafka-credentials"),
      undefined,
    );
    await assert.rejects(produceAs(d, events, "gone"), /authentication|SASL/i);
    assert.deepEqual(clientsInState("fleet-tenants-0"), ["fleet-b", "fleet-d"], "the tombstone stays in its stack");
  });

  it("8. migrate: the local whole stack's clients move to their shards by state, with nothing created, deleted or replaced, and nothing lost", async () => {
    const localEnv = (...args: string[]): { status: number; output: string } => fleetIn("local", stack.dir, ...args);
    const billing = new Client({ connectionString: String(stack.environment.KG_RCA_BILLING_DATABASE_URL) });
    await billing.connect();
    const rows = async (): Promise<string[]> =>
      (
        await billing.query<{ row: string }>(
          "SELECT id || ':' || plan || ':' || status || ':' || updated_at AS row FROM clients WHERE id LIKE 'tenant-%' ORDER BY 1",
        )
      ).rows.map((r) => r.row);
    try {
      const rowsBefore = await rows();
      const topicsBefore = await localTopics();
      assert.ok(
        topicsBefore.length > 0 && rowsBefore.length === 2,
        `${topicsBefore.join(", ")} / ${rowsBefore.join(", ")}`,
      );

      const refused = localEnv("migrate");
      assert.equal(refused.status, 1, refused.output);
      assert.match(
        refused.output,
        /its stack file says stackRole "whole"\. Set kg-rca-server:stackRole to "platform" in a reviewed change first/,
      );

      // Five shards, the fewest that put tenant-a and tenant-b in two (for test 9); three hold no
      // client, and get no stack.
      await stack.setConfig({ stackRole: "platform", tenantShardSize: "40" });
      const unmoved = localEnv("preview");
      assert.equal(unmoved.status, 1, unmoved.output);
      assert.match(
        unmoved.output,
        /stack local still holds 2 client\(s\) from when it was whole: run it as a platform stack and it would delete them\. Move them first: npm run fleet -- migrate --env local/,
      );
      const migrated = localEnv("migrate");
      assert.equal(migrated.status, 0, migrated.output);
      const report = path.join(workDir, "migrated.md");
      const preview = localEnv("preview", "--out", report);
      assert.equal(preview.status, 0, preview.output.slice(-5000));
      const steps = fs
        .readFileSync(report, "utf8")
        .split("\n")
        .filter((line) => /^(create|delete|replace|create-replacement|delete-replaced|update) /.test(line));
      // What may change: the tenants stacks' own guard, its record and providers (adopted under
      // aliases); no client resource.
      const clientSteps = steps.filter(
        (line) =>
          !/ (pulumi-nodejs:dynamic\/kg-rca:PlatformGuard|kg-rca:platform:GuardRecord|pulumi:providers:[\w-]+|pulumi:pulumi:Stack) /.test(
            line,
          ),
      );
      assert.deepEqual(
        clientSteps.filter((line) => !line.startsWith("update ")),
        [],
        steps.join("\n"),
      );

      const up = localEnv("up");
      assert.equal(up.status, 0, up.output.slice(-5000));
      const after = localEnv("preview");
      assert.equal(after.status, 0, after.output.slice(-5000));
      // The three shards no client hashes to have no stack: none is created for them.
      const held = [...new Set(["tenant-a", "tenant-b"].map((id) => `local-tenants-${String(shardOf(id, 5))}`))].sort();
      assert.deepEqual(Object.keys(summary(after.output)), ["local", ...held]);
      assert.match(after.output, /3 touched shard\(s\) hold no client and have no stack yet/);
      for (const [name, row] of Object.entries(summary(after.output))) {
        assert.deepEqual(row, unchanged(), name);
      }
      assert.deepEqual(clientsInLocalState(), [], "the local stack is now a platform stack");
      assert.deepEqual(await localTopics(), topicsBefore);
      assert.deepEqual(await rows(), rowsBefore);
    } finally {
      await billing.end();
    }
  });
  it("9. --changed: one client's change previews its shard only; a plan definition change previews the shards holding a client on that plan, and nothing else", () => {
    // A pull request's change, in a clone of the project: its base commit holds the local
    // environment's stack file as the migration left it, its working tree the change.
    const clone = path.join(stack.dir, "repository");
    const git = (...args: string[]): void => {
      const result = spawnSync(
        "git",
        ["-C", clone, "-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args],
        {
          encoding: "utf8",
        },
      );
      assert.equal(result.status, 0, `git ${args.join(" ")}: ${result.stderr}`);
    };
    const cloned = spawnSync("git", ["clone", "--quiet", "--shared", projectDir, clone], { encoding: "utf8" });
    assert.equal(cloned.status, 0, cloned.stderr);
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(clone, "node_modules"));
    fs.copyFileSync(stack.configFile, path.join(clone, "Pulumi.local.yaml"));
    git("commit", "--quiet", "--all", "--message", "the local environment, split into five shards");
    const previewChanged = (): { status: number; output: string } => {
      const result = spawnSync(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          "scripts/fleet.ts",
          "preview",
          "--env",
          "local",
          "--work-dir",
          stack.dir,
          "--changed",
          "HEAD",
        ],
        { cwd: clone, env: stack.environment, encoding: "utf8", timeout: 10 * 60 * 1000 },
      );
      return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
    };
    const edit = (file: string, from: string, to: string): void => {
      const text = fs.readFileSync(path.join(clone, file), "utf8");
      assert.ok(text.includes(from), `${file} holds ${from}`);
      fs.writeFileSync(path.join(clone, file), text.replace(from, to));
    };
    /** The edit in the clone previews the shard of `clientId` alone, as updates only. */
    const previewsOnlyShardOf = (clientId: string): void => {
      const { status, output } = previewChanged();
      assert.equal(status, 0, output.slice(-5000));
      assert.match(output, new RegExp(`: registry ${clientId}\\n`));
      const expected = `local-tenants-${String(shardOf(clientId, 5))}`;
      const rows = summary(output);
      assert.deepEqual(Object.keys(rows), [expected], output.slice(-3000));
      const row = rows[expected] as SummaryRow;
      assert.ok(row.update > 0, JSON.stringify(row));
      assert.deepEqual([row.create, row.delete, row.replace], [0, 0, 0], JSON.stringify(row));
    };

    // tenant-a's events topic keeps two days instead of its plan's three.
    edit(
      "clients/registries/local.ts",
      'plan: "basic", status: "active" },',
      'plan: "basic", status: "active", overrides: { retentionHours: { events: 48 } } },',
    );
    previewsOnlyShardOf("tenant-a");

    // The pro plan's events keep six days instead of seven: tenant-b is its only client here.
    git("checkout", "--quiet", "--", "clients/registries/local.ts");
    edit(
      "clients/plans.ts",
      "events: { partitions: 12, retentionHours: 168,",
      "events: { partitions: 12, retentionHours: 144,",
    );
    previewsOnlyShardOf("tenant-b");
  });
});
