/**
 * npm run bench:tls [-- --records N --record-size BYTES]
 *
 * The cost of TLS on the broker: on a local node stack of its own (started and discarded here),
 * Kafka's producer performance tool, run on the host as a client outside the cluster, writes N
 * records through the tenants' listener with the stack's SASL_SSL listeners, then after an update to
 * SASL_PLAINTEXT, then after one back to SASL_SSL; it prints records and MB per second for each leg,
 * in one run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { kafkaAdminUser, kafkaClientProperties } from "../components/kafka/kafkaProperties";
import { KafkaListenerProtocol } from "../config";
import { stackConfigFromFile } from "../config/configFiles";
import { kafkaClientJars } from "../tools/kafkaJars";
import { LocalStack, projectDir } from "../tools/localStack";
import { commandLineOrExit } from "./commandLine";

interface Run {
  readonly protocol: KafkaListenerProtocol;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly averageLatencyMs: number;
}

const usage = "usage: npm run bench:tls [-- --records N --record-size BYTES]";
const topic = "bench-tls";

function progress(message: string): void {
  process.stderr.write(`bench:tls: ${message}\n`);
}

class Bench {
  private readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-bench-tls-"));
  private readonly jars = kafkaClientJars();
  private readonly caFile = path.join(this.scratch, "ca.crt");
  /** The tenants' listener's bootstrap: the same whatever the listeners' protocol. */
  private readonly bootstrap: string;

  /** Reads the stack's listener and CA once: switching the protocol changes neither. */
  constructor(private readonly stack: LocalStack) {
    const config = stackConfigFromFile(projectDir, stack.configFile, "skip");
    this.bootstrap = config.kafkaExternalBootstrapAddress ?? "";
    fs.writeFileSync(this.caFile, config.tlsCaCertificate ?? "");
  }

  /** The admin super-user's client properties for a protocol, written to a file. */
  private properties(protocol: KafkaListenerProtocol): string {
    const file = path.join(this.scratch, `${protocol}.properties`);
    const properties = kafkaClientProperties({
      protocol,
      username: kafkaAdminUser,
      password: this.stack.environment.KAFKA_ADMIN_PASSWORD ?? "local-kafka-admin",
      caFile: this.caFile,
    });
    fs.writeFileSync(file, properties, { mode: 0o600 });
    return file;
  }

  private java(mainClass: string, args: string[]): string {
    const result = spawnSync("java", ["-Xmx512m", "-cp", `${this.jars}/*`, mainClass, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(`${mainClass}: ${result.stdout}${result.stderr}`);
    }
    return result.stdout;
  }

  createTopic(protocol: KafkaListenerProtocol): void {
    this.java("org.apache.kafka.tools.TopicCommand", [
      "--bootstrap-server",
      this.bootstrap,
      "--command-config",
      this.properties(protocol),
      "--create",
      "--if-not-exists",
      "--topic",
      topic,
      "--partitions",
      "3",
      "--replication-factor",
      "1",
    ]);
  }

  /** One producer performance run: records of `size` bytes as fast as the broker takes them, acks=all. */
  measure(protocol: KafkaListenerProtocol, records: number, size: number): Run {
    const output = this.java("org.apache.kafka.tools.ProducerPerformance", [
      "--topic",
      topic,
      "--num-records",
      String(records),
      "--record-size",
      String(size),
      "--throughput",
      "-1",
      "--producer.config",
      this.properties(protocol),
      "--producer-props",
      `bootstrap.servers=${this.bootstrap}`,
      "acks=all",
      "linger.ms=5",
    ]);
    const summary = output.trim().split("\n").pop() ?? "";
    const match = /([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(summary);
    if (match === null) {
      throw new Error(`no summary in the producer's output: ${summary}`);
    }
    return {
      protocol,
      recordsPerSecond: Number(match[1]),
      megabytesPerSecond: Number(match[2]),
      averageLatencyMs: Number(match[3]),
    };
  }
}

async function main(): Promise<void> {
  const { values } = commandLineOrExit(usage, {
    options: { records: { type: "string", default: "300000" }, "record-size": { type: "string", default: "1024" } },
  });
  const records = Number(values.records);
  const size = Number(values["record-size"]);
  if (!Number.isSafeInteger(records) || records < 1 || !Number.isSafeInteger(size) || size < 1) {
    console.error(`--records and --record-size must be positive integers\n${usage}`);
    process.exit(2);
  }
  const stack = new LocalStack("node");
  try {
    progress("bringing up a local node stack of its own");
    const up = await stack.up();
    if (up.status !== 0) {
      throw new Error(`local:up failed:\n${up.output.slice(-4000)}`);
    }
    const bench = new Bench(stack);
    bench.createTopic("SASL_SSL");
    // TLS, plaintext, TLS again: each leg after the brokers' own roll and a warm-up, so the
    // order (a freshly restarted broker, a colder page cache) does not pass for the protocol's cost.
    const runs: Run[] = [];
    for (const protocol of ["SASL_SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const) {
      if (runs.length > 0) {
        progress(`switching the listeners to ${protocol} (the brokers roll)`);
        await stack.setConfig({ kafkaListenerProtocol: protocol });
        await stack.update();
      }
      progress(`${protocol}: warm-up, then ${records} records of ${size} bytes`);
      bench.measure(protocol, Math.ceil(records / 10), size);
      runs.push(bench.measure(protocol, records, size));
    }
    const plain = runs[1]?.recordsPerSecond ?? 0;
    console.log("| listener | records/s | MB/s | avg latency ms | share of plaintext |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const run of runs) {
      console.log(
        `| ${run.protocol} | ${run.recordsPerSecond.toFixed(0)} | ${run.megabytesPerSecond.toFixed(1)} | ${run.averageLatencyMs.toFixed(1)} | ${((run.recordsPerSecond / plain) * 100).toFixed(0)}% |`,
      );
    }
  } finally {
    progress("discarding the stack");
    stack.discard();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:tls: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
