import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

import { AlertThresholds, parseStackConfig } from "../../config";
import { rawConfigOf } from "../../config/configFiles";
import { alertRuleGroups, durationSeconds, grafanaDashboards, renderRulesYaml } from "../../components/monitoring";
import { restoreDrillFailedFor } from "../../components/monitoring/alertRules";
import { stackConfig } from "../unit/helpers/synthesize";
import { promtool, promtoolPath } from "../support/promtool";

/** Samples and rule evaluations both every 30 s, the rule group's interval. */
const step = 30;
const namespace = "kg-rca-server";

interface InputSeries {
  readonly series: string;
  readonly values: string;
}

interface ExpectedAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}

interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test: readonly {
    readonly eval_time: string;
    readonly alertname: string;
    readonly exp_alerts: readonly ExpectedAlert[];
  }[];
}

/** One alert's scenario: series that breach the threshold, series that sit exactly on it, what the alert says. */
interface AlertScenario {
  readonly alert: string;
  readonly holdFor: string;
  readonly firing: readonly InputSeries[];
  readonly silent: readonly InputSeries[];
  /** Seconds from which the firing series breach the threshold. */
  readonly breachFrom: number;
  /** Seconds until which they still breach it. */
  readonly breachUntil: number;
  readonly expected: readonly ExpectedAlert[];
}

/** A series holding one value at every sample up to `samples`. */
function steady(series: string, value: number, samples: number): InputSeries {
  return { series, values: `${value}+0x${samples}` };
}

/** A counter that goes up by one per sample from 0 to `total`, then stays there. */
function burst(series: string, total: number, samples: number): InputSeries {
  return { series, values: `0+1x${total} ${total}+0x${samples - total}` };
}

/** Prometheus's humanizePercentage for values that print as 1-999 %: 4 significant digits. */
function humanizePercentage(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

/** A value a hundredth past a threshold, without float noise in the text Prometheus prints. */
function past(threshold: number, direction: 1 | -1): number {
  return Number((threshold + direction * 0.01).toFixed(6));
}

function scenarios(alerts: AlertThresholds, neo4jDescription: string): AlertScenario[] {
  const samples = 240; // two hours: longer than any hold time these tests use
  const lastSecond = samples * step;
  const level = (
    alert: string,
    holdFor: string,
    series: string,
    bad: number,
    safe: number,
    expected: ExpectedAlert,
  ): AlertScenario => ({
    alert,
    holdFor,
    firing: [steady(series, bad, samples)],
    silent: [steady(series, safe, samples)],
    breachFrom: 0,
    breachUntil: lastSecond,
    expected: [expected],
  });

  const lag = alerts.consumerLagMessages;
  // One partition's lag, as the consumer-lag health check computes it.
  const lagSeries = (group: string) =>
    `kg_kafka_consumer_lag{topic="acme-abc123.events.normalized", partition="3", group="${group}"}`;
  const lowAccuracy = past(alerts.rcaAccuracyMin, -1);
  // A power-of-two capacity makes used/capacity exactly the ratio the series were built from.
  const capacity = 2 ** 37;
  const fullRatio = past(alerts.diskUsageRatio, 1);
  const volume = (ns: string, pvc: string, ratio: number): InputSeries[] => [
    steady(
      `kubelet_volume_stats_used_bytes{namespace="${ns}", persistentvolumeclaim="${pvc}"}`,
      ratio * capacity,
      samples,
    ),
    steady(`kubelet_volume_stats_capacity_bytes{namespace="${ns}", persistentvolumeclaim="${pvc}"}`, capacity, samples),
  ];
  const restarts = alerts.podRestartsPerHour;
  const restartSeries = (ns: string, pod: string) =>
    `kube_pod_container_status_restarts_total{namespace="${ns}", pod="${pod}", container="graph-builder"}`;
  const platformPod = "graph-builder-7d9f8-x2kq4";

  return [
    level("Neo4jDown", alerts.neo4jDownFor, 'neo4j_up{instance="neo4j-0.neo4j:2004", job="neo4j"}', 0, 1, {
      exp_labels: { severity: "critical", instance: "neo4j-0.neo4j:2004", job: "neo4j" },
      exp_annotations: { summary: "Neo4j instance neo4j-0.neo4j:2004 is down", description: neo4jDescription },
    }),
    level("KafkaBrokerDown", alerts.kafkaBrokerDownFor, 'kafka_broker_up{broker="2", job="kafka"}', 0, 1, {
      exp_labels: { severity: "critical", broker: "2", job: "kafka" },
      exp_annotations: { summary: "Kafka broker 2 is down" },
    }),
    {
      ...level("HighConsumerLag", alerts.consumerLagFor, lagSeries("kg-builder"), lag + 1, lag, {
        exp_labels: {
          severity: "warning",
          topic: "acme-abc123.events.normalized",
          partition: "3",
          group: "kg-builder",
        },
        exp_annotations: {
          summary: "High consumer lag on acme-abc123.events.normalized",
          description: `Lag: ${lag + 1} messages`,
        },
      }),
      // A tenant's own consumer group falling behind is the tenant's business: it must not page.
      firing: [
        steady(lagSeries("kg-builder"), lag + 1, samples),
        steady(lagSeries("acme-abc123.reader"), lag * 10, samples),
      ],
      silent: [
        steady(lagSeries("kg-builder"), lag, samples),
        steady(lagSeries("acme-abc123.reader"), lag * 10, samples),
      ],
    },
    {
      ...level(
        "LowRCAAccuracy",
        alerts.rcaAccuracyFor,
        'kg_rca_accuracy_at_k{k="3"}',
        lowAccuracy,
        alerts.rcaAccuracyMin,
        {
          exp_labels: { severity: "warning", k: "3" },
          exp_annotations: { summary: "RCA accuracy below threshold", description: `A@3 accuracy: ${lowAccuracy}` },
        },
      ),
      // A@1 is naturally lower and has no floor: it must not trip the A@3 alert.
      silent: [
        steady('kg_rca_accuracy_at_k{k="3"}', alerts.rcaAccuracyMin, samples),
        steady('kg_rca_accuracy_at_k{k="1"}', 0.1, samples),
      ],
    },
    {
      alert: "DiskSpaceHigh",
      holdFor: alerts.diskUsageFor,
      // Full volumes of other namespaces are someone else's: they must not alert.
      firing: [...volume(namespace, "data-neo4j-0", fullRatio), ...volume("kube-system", "etcd-data", 0.99)],
      silent: [
        ...volume(namespace, "data-neo4j-0", alerts.diskUsageRatio),
        ...volume("kube-system", "etcd-data", 0.99),
      ],
      breachFrom: 0,
      breachUntil: lastSecond,
      expected: [
        {
          exp_labels: { severity: "warning", namespace, persistentvolumeclaim: "data-neo4j-0" },
          exp_annotations: {
            summary: "Disk usage high on data-neo4j-0",
            description: `${humanizePercentage(fullRatio)} used`,
          },
        },
      ],
    },
    {
      alert: "PodRestartingFrequently",
      holdFor: alerts.podRestartsFor,
      firing: [
        burst(restartSeries(namespace, platformPod), restarts + 1, samples),
        burst(restartSeries("other-team", "noisy-0"), restarts + 20, samples),
      ],
      // Exactly the threshold within the hour: not "more than".
      silent: [
        burst(restartSeries(namespace, platformPod), restarts, samples),
        burst(restartSeries("other-team", "noisy-0"), restarts + 20, samples),
      ],
      // The burst leaves the 1h window once the window starts after t=0.
      breachFrom: (restarts + 1) * step,
      breachUntil: 3600,
      expected: [
        {
          exp_labels: { severity: "warning", namespace, pod: platformPod, container: "graph-builder" },
          exp_annotations: { summary: `Pod ${platformPod} restarting frequently` },
        },
      ],
    },
  ];
}

/** For each alert: it fires exactly once its hold time has passed, is still pending a step before, and stays silent on the threshold. */
function unitTests(all: readonly AlertScenario[]): TestGroup[] {
  return all.flatMap((s) => {
    const hold = Math.ceil(durationSeconds(s.holdFor) / step) * step;
    const firesAt = s.breachFrom + hold;
    if (firesAt > s.breachUntil) {
      throw new Error(`${s.alert}: hold time ${s.holdFor} outlasts the scenario's breach (${s.breachUntil} s)`);
    }
    const group = (name: string, input: readonly InputSeries[], at: number, expected: readonly ExpectedAlert[]) => ({
      name: `${s.alert} ${name}`,
      interval: `${step}s`,
      input_series: input,
      alert_rule_test: [{ eval_time: `${at}s`, alertname: s.alert, exp_alerts: expected }],
    });
    return [
      group("fires once the hold time has passed", s.firing, firesAt, s.expected),
      ...(hold > 0 ? [group("is still pending one evaluation earlier", s.firing, firesAt - step, [])] : []),
      group("stays silent on the threshold", s.silent, firesAt, []),
      group("stays silent on the threshold, later too", s.silent, s.breachUntil, []),
    ];
  });
}

describe("alert rules under the real promtool", function () {
  this.timeout(60000);
  let dir: string;
  let defaults: AlertThresholds;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-promtool-"));
    promtoolPath(); // fails (not skips) with the setup hint when promtool is missing
    defaults = parseStackConfig(rawConfigOf(stackConfig("prod")), "test").config.monitoring.alerts;
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writeRules(name: string, alerts: AlertThresholds): string {
    const file = path.join(dir, `${name}.rules.yaml`);
    fs.writeFileSync(file, renderRulesYaml(alertRuleGroups(alerts, namespace)));
    return file;
  }

  function check(args: string[]): string {
    const result = promtool(args, dir);
    assert.equal(result.status, 0, `promtool ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  function runUnitTests(name: string, alerts: AlertThresholds, neo4jDescription: string): number {
    const rules = writeRules(name, alerts);
    const tests = unitTests(scenarios(alerts, neo4jDescription));
    const testFile = path.join(dir, `${name}.test.yaml`);
    fs.writeFileSync(
      testFile,
      yaml.dump(
        { rule_files: [path.basename(rules)], evaluation_interval: `${step}s`, tests },
        { lineWidth: -1, noRefs: true },
      ),
    );
    const out = check(["test", "rules", path.basename(testFile)]);
    assert.match(out, /SUCCESS/);
    return tests.length;
  }

  const changed: AlertThresholds = {
    neo4jDownFor: "0m",
    kafkaBrokerDownFor: "90s",
    consumerLagMessages: 500,
    consumerLagFor: "1m",
    rcaAccuracyMin: 0.9,
    rcaAccuracyFor: "15m",
    diskUsageRatio: 0.8,
    diskUsageFor: "45s",
    podRestartsPerHour: 3,
    podRestartsFor: "10m",
  };

  it("loads the generated rules file with promtool check rules", () => {
    const out = check(["check", "rules", path.basename(writeRules("defaults", defaults))]);
    assert.match(out, /SUCCESS: 7 rules found/);
    assert.match(check(["check", "rules", path.basename(writeRules("changed", changed))]), /SUCCESS: 7 rules found/);
  });

  it("fires each alert after its hold time and not on the threshold, with the stack defaults", () => {
    assert.equal(runUnitTests("defaults", defaults, "Neo4j has been down for more than 2 minutes"), 23);
  });

  it("fires each alert after its hold time and not on the threshold, with changed thresholds", () => {
    // Neo4jDown with no hold time has no pending step: 6 alerts x 4 cases - 1.
    assert.equal(runUnitTests("changed", changed, "Neo4j is down"), 23);
  });

  it("fires BackupRestoreDrillFailed when the drill's latest run has not passed, and only for that CronJob", () => {
    const rules = writeRules("drill", defaults);
    const samples = 480; // four hours
    const hold = durationSeconds(restoreDrillFailedFor);
    // kube-state-metrics' CronJob timestamps, in seconds; a run was scheduled at 600 s.
    const cronJob = (metric: string, name: string, value: string): InputSeries => ({
      series: `kube_cronjob_status_last_${metric}_time{namespace="${namespace}", cronjob="${name}"}`,
      values: value,
    });
    const drill = "postgresql-restore-drill";
    const failedRun = [
      cronJob("schedule", drill, `600+0x${samples}`),
      cronJob("successful", drill, `100+0x${samples}`),
    ];
    // The run passes after 20 minutes: the last success moves past the last schedule.
    const passedRun = [
      cronJob("schedule", drill, `600+0x${samples}`),
      cronJob("successful", drill, `100+0x40 1800+0x${samples - 40}`),
    ];
    const neverPassed = [cronJob("schedule", drill, `600+0x${samples}`)];
    // Another CronJob that never succeeds is not the drill.
    const otherJob = [cronJob("schedule", "postgresql-backup", `600+0x${samples}`)];
    const expected = [
      {
        exp_labels: { severity: "critical", namespace, cronjob: drill },
        exp_annotations: {
          summary: "The PostgreSQL restore drill has not passed since its last scheduled run",
          description: `The newest billing dump could not be restored and checked: see the logs of the latest job of CronJob ${drill} in ${namespace}`,
        },
      },
    ];
    const at = (name: string, input: InputSeries[], seconds: number, exp: typeof expected | []) => ({
      name: `BackupRestoreDrillFailed ${name}`,
      interval: `${step}s`,
      input_series: input,
      alert_rule_test: [{ eval_time: `${seconds}s`, alertname: "BackupRestoreDrillFailed", exp_alerts: exp }],
    });
    const tests = [
      at("fires once a failed run outlasts the hold", [...failedRun, ...otherJob], hold, expected),
      at("is pending one evaluation earlier (a run may still be going)", failedRun, hold - step, []),
      at("fires when the drill never passed", neverPassed, hold, expected),
      at("stays silent after a passing run", [...passedRun, ...otherJob], hold, []),
      at("stays silent after a passing run, later too", passedRun, samples * step, []),
      at("ignores other CronJobs", otherJob, hold, []),
    ];
    const testFile = path.join(dir, "drill.test.yaml");
    fs.writeFileSync(
      testFile,
      yaml.dump(
        { rule_files: [path.basename(rules)], evaluation_interval: `${step}s`, tests },
        { lineWidth: -1, noRefs: true },
      ),
    );
    assert.match(check(["test", "rules", path.basename(testFile)]), /SUCCESS/);
  });

  it("parses every dashboard query as PromQL, Grafana variables filled in", () => {
    // The dashboards as Grafana receives them: JSON.
    const models: { title: string; panels: { title: string; targets: { expr: string }[] }[] }[] = JSON.parse(
      JSON.stringify(grafanaDashboards(namespace, defaults)),
    );
    const exprs = models.flatMap((d) =>
      d.panels.flatMap((p) => p.targets.map((t) => ({ panel: `${d.title} / ${p.title}`, expr: t.expr }))),
    );
    // Grafana substitutes these before the query reaches Prometheus.
    const filled = exprs.map((e) => e.expr.replaceAll("$client_id", "acme-abc123").replaceAll("$__range", "6h"));
    assert.ok(
      filled.every((e) => !e.includes("$")),
      filled.join("\n"),
    );
    const file = path.join(dir, "dashboard-queries.rules.yaml");
    fs.writeFileSync(
      file,
      yaml.dump(
        {
          groups: [
            { name: "dashboards", rules: filled.map((expr, i) => ({ record: `dashboard:query_${i}:check`, expr })) },
          ],
        },
        { lineWidth: -1 },
      ),
    );
    assert.match(check(["check", "rules", path.basename(file)]), new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });
});
