import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";

const projectDir = path.resolve(__dirname, "..");

/**
 * The folder of Kafka's jars (the version the brokers run), resolved from Maven Central once into
 * the toolchain cache by scripts/services/kafka.sh, under its lock: the Java client of the tests and
 * benchmarks that reach the brokers from the host.
 */
export function kafkaClientJars(): string {
  const result = spawnSync("bash", [path.join(projectDir, "scripts/services/kafka.sh"), "jars", os.tmpdir()], {
    encoding: "utf8",
    timeout: 900000,
  });
  if (result.status !== 0) {
    throw new Error(`Kafka jars could not be resolved: ${result.stderr}`);
  }
  return result.stdout.trim();
}
