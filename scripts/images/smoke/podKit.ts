/**
 * What a kubelet would hand each container of the local stack, rendered from
 * the program's own synthesized resources (`npm run synth -- --stack local`),
 * so that the image smoke test runs the images with the program's commands,
 * environment, config files and probes rather than with hand-written ones.
 *
 *   ts-node --transpile-only scripts/images/smoke/podKit.ts SYNTH.json SECRETS.json OUT
 *
 * SECRETS.json: {"<secret name>": {"<key>": "<value>"}} stands in for the
 * generated Secrets (the synth shows them as "[secret]"). For each workload,
 * OUT/<workload>/ gets: env (NAME=VALUE per line, secretKeyRef and $(VAR)
 * resolved as the kubelet does), command.json (command + args), probes.json,
 * security.json (the pod's securityContext), mounts.tsv (config map folder or
 * file, mount path) with the config maps' files under OUT/<workload>/configmaps.
 * OUT/hosts maps every in-cluster name the stack uses to 127.0.0.1.
 */
import * as fs from "fs";
import * as path from "path";

import { maintenanceHtml, maintenanceNginxConfig } from "../../../components/workloads/maintenancePage";

interface SynthResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

interface Container {
  readonly name: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: EnvVar[];
  readonly volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  readonly readinessProbe?: unknown;
  readonly livenessProbe?: unknown;
  readonly startupProbe?: unknown;
}

interface PodSpec {
  readonly containers: Container[];
  readonly volumes?: { name: string; configMap?: { name: string } }[];
  readonly securityContext?: Record<string, unknown>;
}

type Secrets = Record<string, Record<string, string>>;

/** The workloads the smoke test runs: resource name in the synth → kit name and pod name. */
const workloads = [
  { resource: "kafka-statefulset", kit: "kafka", pod: "kafka-0" },
  { resource: "neo4j-statefulset", kit: "neo4j", pod: "neo4j-0" },
  { resource: "postgresql-statefulset", kit: "postgres", pod: "postgresql-0" },
  { resource: "graph-builder-deployment", kit: "graph-builder", pod: "graph-builder-smoke" },
  { resource: "kg-api-deployment", kit: "kg-api", pod: "kg-api-smoke" },
  { resource: "kafka-rebalance", kit: "kafka-rebalance", pod: "kafka-rebalance-smoke" },
] as const;

function podSpec(resource: SynthResource): PodSpec {
  const spec = resource.inputs.spec as { template: { spec: PodSpec } };
  return spec.template.spec;
}

/** $(VAR) references to earlier variables, as the kubelet expands them. */
function expand(value: string, env: ReadonlyMap<string, string>): string {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name) ?? whole);
}

function resolveEnv(container: Container, secrets: Secrets, podName: string): Map<string, string> {
  const env = new Map<string, string>([["HOSTNAME", podName]]);
  for (const variable of container.env ?? []) {
    let value: string;
    if (variable.valueFrom?.secretKeyRef !== undefined) {
      const { name, key } = variable.valueFrom.secretKeyRef;
      const secretValue = secrets[name]?.[key];
      if (secretValue === undefined) {
        throw new Error(
          `${container.name}: ${variable.name} refers to secret ${name} key ${key}, which SECRETS.json lacks`,
        );
      }
      value = secretValue;
    } else if (variable.valueFrom?.fieldRef?.fieldPath === "metadata.name") {
      value = podName;
    } else if (variable.value !== undefined) {
      value = expand(variable.value, env);
    } else {
      throw new Error(`${container.name}: ${variable.name} has a source this kit does not render`);
    }
    if (value.includes("\n")) {
      throw new Error(`${container.name}: ${variable.name} spans lines, which an env file cannot hold`);
    }
    env.set(variable.name, value);
  }
  return env;
}

function writeKit(out: string, resources: readonly SynthResource[], secrets: Secrets): void {
  const configMaps = new Map(
    resources
      .filter((r) => r.type === "kubernetes:core/v1:ConfigMap")
      .map((r) => {
        const metadata = r.inputs.metadata as { name: string };
        return [metadata.name, r.inputs.data as Record<string, string>] as const;
      }),
  );
  for (const workload of workloads) {
    const resource = resources.find((r) => r.name === workload.resource && r.type.startsWith("kubernetes:"));
    if (resource === undefined) {
      throw new Error(`the synthesized stack has no ${workload.resource}`);
    }
    const pod = podSpec(resource);
    const container = pod.containers[0];
    if (container === undefined) {
      throw new Error(`${workload.resource} has no container`);
    }
    const dir = path.join(out, workload.kit);
    fs.mkdirSync(dir, { recursive: true });
    const env = resolveEnv(container, secrets, workload.pod);
    fs.writeFileSync(path.join(dir, "env"), [...env].map(([name, value]) => `${name}=${value}\n`).join(""));
    fs.writeFileSync(
      path.join(dir, "command.json"),
      JSON.stringify([...(container.command ?? []), ...(container.args ?? [])]),
    );
    fs.writeFileSync(
      path.join(dir, "probes.json"),
      JSON.stringify({
        startup: container.startupProbe,
        readiness: container.readinessProbe,
        liveness: container.livenessProbe,
      }),
    );
    fs.writeFileSync(path.join(dir, "security.json"), JSON.stringify(pod.securityContext ?? {}));
    const mounts: string[] = [];
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.volumes?.find((v) => v.name === mount.name);
      if (volume?.configMap === undefined) {
        continue; // data volumes: the smoke test gives each a host folder
      }
      const data = configMaps.get(volume.configMap.name);
      if (data === undefined) {
        throw new Error(`${workload.resource} mounts config map ${volume.configMap.name}, which the stack lacks`);
      }
      const folder = path.join(dir, "configmaps", volume.configMap.name);
      fs.mkdirSync(folder, { recursive: true });
      for (const [key, content] of Object.entries(data)) {
        fs.writeFileSync(path.join(folder, key), content);
      }
      const source = mount.subPath === undefined ? folder : path.join(folder, mount.subPath);
      mounts.push(`${source}\t${mount.mountPath}\n`);
    }
    fs.writeFileSync(path.join(dir, "mounts.tsv"), mounts.join(""));
  }

  // The maintenance page is declared only in maintenance mode: render its config map directly.
  const page = path.join(out, "maintenance-page", "configmaps", "maintenance");
  fs.mkdirSync(page, { recursive: true });
  fs.writeFileSync(path.join(page, "default.conf"), maintenanceNginxConfig());
  fs.writeFileSync(path.join(page, "maintenance.html"), maintenanceHtml);

  const names = new Set(JSON.stringify(resources).match(/[a-z0-9][a-z0-9.-]*\.svc\.cluster\.local/g) ?? []);
  fs.writeFileSync(
    path.join(out, "hosts"),
    `127.0.0.1 localhost\n${[...names]
      .sort()
      .map((name) => `127.0.0.1 ${name}\n`)
      .join("")}`,
  );
}

const [synthFile, secretsFile, out] = process.argv.slice(2);
if (synthFile === undefined || secretsFile === undefined || out === undefined) {
  console.error("usage: podKit.ts SYNTH.json SECRETS.json OUT");
  process.exit(2);
}
const synth = JSON.parse(fs.readFileSync(synthFile, "utf8")) as { resources: SynthResource[] };
writeKit(out, synth.resources, JSON.parse(fs.readFileSync(secretsFile, "utf8")) as Secrets);
