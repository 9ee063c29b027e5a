import { strict as assert } from "assert";
import * as yaml from "js-yaml";

import { AlertThresholds, MonitoringConfig, parseStackConfig } from "../../config";
import { rawConfigOf } from "../../config/configFiles";
import {
  alertRuleGroups,
  Dashboard,
  dashboard,
  durationSeconds,
  durationWords,
  grafanaDashboards,
  Monitoring,
  query,
  renderRulesYaml,
  timeseriesPanel,
} from "../../components/monitoring";
import { MockRun, MockRunError, runUnderMocks } from "../../tools/mockEngine";
import { find, ofType, stackConfig, Tree, types } from "./helpers/synthesize";

const namespace = "kg-rca-server";
/** The operations guide's thresholds; the first test holds the stack defaults to them. */
const defaults: AlertThresholds = {
  neo4jDownFor: "2m",
  kafkaBrokerDownFor: "1m",
  consumerLagMessages: 10000,
  consumerLagFor: "5m",
  rcaAccuracyMin: 0.85,
  rcaAccuracyFor: "10m",
  diskUsageRatio: 0.9,
  diskUsageFor: "5m",
  podRestartsPerHour: 5,
  podRestartsFor: "0m",
};
const changed: AlertThresholds = {
  neo4jDownFor: "0m",
  kafkaBrokerDownFor: "90s",
  consumerLagMessages: 500,
  consumerLagFor: "1m",
  rcaAccuracyMin: 0.9,
  rcaAccuracyFor: "1h30m",
  diskUsageRatio: 0.8,
  diskUsageFor: "45s",
  podRestartsPerHour: 3,
  podRestartsFor: "10m",
};
const prometheusRuleType = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

function rulesByName(alerts: AlertThresholds, ns = namespace): Map<string, Tree> {
  const groups = alertRuleGroups(alerts, ns);
  return new Map(groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
}

describe("monitoring: alert rules", () => {
  it("takes the guide's thresholds from the stack defaults", () => {
    const stack = parseStackConfig(rawConfigOf(stackConfig("prod")), "test").config.monitoring;
    assert.deepEqual(stack, { prometheusOperator: true, alerts: defaults });
  });

  it("generates the guide's six alerts and the restore drill's in one 30 s group, restarts counted with increase() in the namespace", () => {
    assert.deepEqual(alertRuleGroups(defaults, namespace), [
      {
        name: "server-critical",
        interval: "30s",
        rules: [
          {
            alert: "Neo4jDown",
            expr: "neo4j_up == 0",
            for: "2m",
            labels: { severity: "critical" },
            annotations: {
              summary: "Neo4j instance {{ $labels.instance }} is down",
              description: "Neo4j has been down for more than 2 minutes",
            },
          },
          {
            alert: "KafkaBrokerDown",
            expr: "kafka_broker_up == 0",
            for: "1m",
            labels: { severity: "critical" },
            annotations: { summary: "Kafka broker {{ $labels.broker }} is down" },
          },
          {
            alert: "HighConsumerLag",
            expr: 'kg_kafka_consumer_lag{group="kg-builder"} > 10000',
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
              summary: "High consumer lag on {{ $labels.topic }}",
              description: "Lag: {{ $value }} messages",
            },
          },
          {
            alert: "LowRCAAccuracy",
            expr: 'kg_rca_accuracy_at_k{k="3"} < 0.85',
            for: "10m",
            labels: { severity: "warning" },
            annotations: { summary: "RCA accuracy below threshold", description: "A@3 accuracy: {{ $value }}" },
          },
          {
            alert: "DiskSpaceHigh",
            expr:
              '(kubelet_volume_stats_used_bytes{namespace="kg-rca-server"}' +
              ' / kubelet_volume_stats_capacity_bytes{namespace="kg-rca-server"}) > 0.9',
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
              summary: "Disk usage high on {{ $labels.persistentvolumeclaim }}",
              description: "{{ $value | humanizePercentage }} used",
            },
          },
          {
            alert: "PodRestartingFrequently",
            expr: 'increase(kube_pod_container_status_restarts_total{namespace="kg-rca-server"}[1h]) > 5',
            labels: { severity: "warning" },
            annotations: { summary: "Pod {{ $labels.pod }} restarting frequently" },
          },
          {
            alert: "BackupRestoreDrillFailed",
            expr:
              '(kube_cronjob_status_last_schedule_time{namespace="kg-rca-server", cronjob="postgresql-restore-drill"}' +
              ' > on(namespace, cronjob) kube_cronjob_status_last_successful_time{namespace="kg-rca-server", cronjob="postgresql-restore-drill"})' +
              ' or (kube_cronjob_status_last_schedule_time{namespace="kg-rca-server", cronjob="postgresql-restore-drill"}' +
              ' unless on(namespace, cronjob) kube_cronjob_status_last_successful_time{namespace="kg-rca-server", cronjob="postgresql-restore-drill"})',
            for: "150m",
            labels: { severity: "critical" },
            annotations: {
              summary: "The PostgreSQL restore drill has not passed since its last scheduled run",
              description:
                "The newest billing dump could not be restored and checked: see the logs of the latest job of CronJob postgresql-restore-drill in kg-rca-server",
            },
          },
        ],
      },
    ]);
  });

  it("follows changed thresholds and hold times", () => {
    const rules = rulesByName(changed);
    assert.deepEqual(
      [...rules.values()].map((r) => [r.alert, r.expr, r.for]),
      [
        ["Neo4jDown", "neo4j_up == 0", undefined],
        ["KafkaBrokerDown", "kafka_broker_up == 0", "90s"],
        ["HighConsumerLag", 'kg_kafka_consumer_lag{group="kg-builder"} > 500', "1m"],
        ["LowRCAAccuracy", 'kg_rca_accuracy_at_k{k="3"} < 0.9', "1h30m"],
        [
          "DiskSpaceHigh",
          '(kubelet_volume_stats_used_bytes{namespace="kg-rca-server"}' +
            ' / kubelet_volume_stats_capacity_bytes{namespace="kg-rca-server"}) > 0.8',
          "45s",
        ],
        [
          "PodRestartingFrequently",
          'increase(kube_pod_container_status_restarts_total{namespace="kg-rca-server"}[1h]) > 3',
          "10m",
        ],
        ["BackupRestoreDrillFailed", rules.get("BackupRestoreDrillFailed").expr, "150m"],
      ],
    );
    assert.equal(rules.get("Neo4jDown").annotations.description, "Neo4j is down");
  });

  it("leaves `for` out for every spelling of a zero hold time", () => {
    for (const zero of ["0m", "0s", "0h", "0m0s", "0ms"]) {
      const rules = rulesByName({ ...defaults, neo4jDownFor: zero, podRestartsFor: zero });
      for (const alert of ["Neo4jDown", "PodRestartingFrequently"]) {
        assert.equal("for" in rules.get(alert), false, `${alert} with ${zero}`);
      }
    }
    assert.equal(rulesByName({ ...defaults, podRestartsFor: "15m" }).get("PodRestartingFrequently").for, "15m");
  });

  it("scopes only the Kubernetes metrics to the given namespace", () => {
    const rules = rulesByName(defaults, "staging-kg");
    for (const alert of ["DiskSpaceHigh", "PodRestartingFrequently", "BackupRestoreDrillFailed"]) {
      assert.ok(!rules.get(alert).expr.includes("kg-rca-server"), alert);
      assert.match(rules.get(alert).expr, /namespace="staging-kg"/);
    }
    for (const alert of ["Neo4jDown", "KafkaBrokerDown", "HighConsumerLag", "LowRCAAccuracy"]) {
      assert.ok(!rules.get(alert).expr.includes("namespace"), alert);
    }
  });

  it("renders a rules file that reads back as the same groups, templates intact", () => {
    const groups = alertRuleGroups(defaults, namespace);
    const text = renderRulesYaml(groups);
    assert.deepEqual(yaml.load(text), { groups });
    assert.match(text, /^# Generated by Pulumi/);
    assert.ok(text.includes("summary: Neo4j instance {{ $labels.instance }} is down\n"), text);
    assert.ok(text.includes('description: "{{ $value | humanizePercentage }} used"\n'), text);
    assert.equal(text.match(/^\s+for: /gm)?.length, 6);
  });

  it("reads Prometheus durations", () => {
    assert.deepEqual(["0m", "45s", "2m", "1h30m", "1d", "500ms"].map(durationSeconds), [0, 45, 120, 5400, 86400, 0.5]);
    assert.deepEqual(["2m", "1m", "1h30m", "0m"].map(durationWords), [
      "2 minutes",
      "1 minute",
      "1 hour 30 minutes",
      "",
    ]);
    assert.throws(() => durationSeconds("5 minutes"), /"5 minutes" is not a Prometheus duration/);
  });
});

describe("monitoring: dashboards", () => {
  const dashboards = grafanaDashboards(namespace, defaults);
  const byTitle = new Map(dashboards.map((d) => [d.title, d]));
  const get = (title: string): Dashboard => {
    const d = byTitle.get(title);
    assert.ok(d !== undefined, `no dashboard "${title}"; have ${[...byTitle.keys()].join(", ")}`);
    return d;
  };
  /** A dashboard as Grafana receives it: JSON. */
  const asJson = (d: Dashboard): Tree => JSON.parse(JSON.stringify(d));
  const exprs = (d: Dashboard): string[] => asJson(d).panels.flatMap((p: Tree) => p.targets.map((t: Tree) => t.expr));
  const panel = (d: Dashboard, title: string): Tree => {
    const p = asJson(d).panels.find((x: Tree) => x.title === title);
    assert.ok(p !== undefined, `no panel "${title}" in ${d.title}`);
    return p;
  };

  it("builds the guide's four dashboards with stable, unique uids", () => {
    assert.deepEqual(
      dashboards.map((d) => [d.uid, d.title]),
      [
        ["kg-rca-server-overview", "KG RCA - Server Overview"],
        ["kg-rca-per-client", "KG RCA - Per-Client"],
        ["kg-rca-rca-quality", "KG RCA - RCA Quality"],
        ["kg-rca-performance", "KG RCA - Performance"],
      ],
    );
    assert.deepEqual(
      grafanaDashboards("elsewhere", changed).map((d) => d.uid),
      dashboards.map((d) => d.uid),
    );
  });

  it("has the guide's panels on each dashboard", () => {
    const titles = (d: Dashboard) => d.panels.map((p) => [p.type, p.title]);
    assert.deepEqual(titles(get("KG RCA - Server Overview")), [
      ["stat", "Total active clients"],
      ["stat", "RCA accuracy (A@3)"],
      ["stat", "Error rate"],
      ["timeseries", "Messages processed (rate)"],
      ["timeseries", "System resource utilization"],
    ]);
    assert.deepEqual(titles(get("KG RCA - Per-Client")), [
      ["timeseries", "Events ingested"],
      ["timeseries", "RCA queries executed"],
      ["stat", "Storage usage"],
      ["timeseries", "API call rate"],
      ["timeseries", "Kafka lag per topic"],
    ]);
    assert.deepEqual(titles(get("KG RCA - RCA Quality")), [
      ["gauge", "A@1 accuracy"],
      ["gauge", "A@3 accuracy"],
      ["gauge", "A@5 accuracy"],
      ["gauge", "A@10 accuracy"],
      ["timeseries", "Mean Average Rank (MAR) trend"],
      ["bargauge", "Confidence score distribution"],
      ["stat", "Null confidence link count"],
      ["timeseries", "RCA compute time"],
    ]);
    assert.deepEqual(titles(get("KG RCA - Performance")), [
      ["timeseries", "Message processing latency"],
      ["timeseries", "Neo4j query duration"],
      ["timeseries", "API latency"],
      ["timeseries", "Kafka consumer lag"],
      ["timeseries", "End-to-end latency"],
    ]);
  });

  it("uses the guide's sample queries, with histogram quantiles over rate() of the buckets", () => {
    const perClient = exprs(get("KG RCA - Per-Client"));
    for (const guide of [
      'rate(kg_messages_processed_total{client_id="$client_id"}[5m])',
      'kg_client_storage_bytes{client_id="$client_id"} / 1024 / 1024 / 1024',
    ]) {
      assert.ok(
        perClient.some((e) => e.includes(guide)),
        `${guide} not in Per-Client:\n${perClient.join("\n")}`,
      );
    }
    assert.ok(perClient.includes('sum(rate(kg_api_calls_total{client_id="$client_id"}[5m])) * 60'));
    assert.ok(perClient.includes('sum by (topic) (kg_kafka_consumer_lag{topic=~"$client_id[.].+"})'));

    const quality = exprs(get("KG RCA - RCA Quality"));
    assert.ok(quality.includes('kg_rca_accuracy_at_k{k="3"}'));
    assert.ok(quality.includes("kg_rca_mean_average_rank"));
    assert.deepEqual(
      panel(get("KG RCA - RCA Quality"), "RCA compute time").targets.map((t: Tree) => [
        t.refId,
        t.legendFormat,
        t.expr,
      ]),
      [
        ["A", "P50", "histogram_quantile(0.5, sum by (le) (rate(kg_rca_compute_time_seconds_bucket[5m])))"],
        ["B", "P95", "histogram_quantile(0.95, sum by (le) (rate(kg_rca_compute_time_seconds_bucket[5m])))"],
        ["C", "P99", "histogram_quantile(0.99, sum by (le) (rate(kg_rca_compute_time_seconds_bucket[5m])))"],
      ],
    );

    const performance = exprs(get("KG RCA - Performance"));
    for (const expected of [
      "histogram_quantile(0.95, sum by (le) (rate(kg_message_processing_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.95, sum by (le) (rate(kg_api_request_duration_seconds_bucket[5m])))",
      "sum by (topic) (kg_kafka_consumer_lag)",
    ]) {
      assert.ok(performance.includes(expected), expected);
    }
    assert.ok(exprs(get("KG RCA - Server Overview")).includes('kg_rca_accuracy_at_k{k="3"}'));
  });

  it("offers the client_id dropdown on the Per-Client dashboard", () => {
    const variables = asJson(get("KG RCA - Per-Client")).templating.list;
    assert.deepEqual(
      variables.map((v: Tree) => [v.type, v.name]),
      [
        ["datasource", "datasource"],
        ["query", "client_id"],
      ],
    );
    const clientId: Tree = variables[1];
    assert.equal(clientId.query, "label_values(kg_messages_processed_total, client_id)");
    assert.deepEqual(clientId.datasource, { type: "prometheus", uid: "${datasource}" });
    for (const d of dashboards.filter((x) => x.uid !== "kg-rca-per-client")) {
      assert.deepEqual(
        asJson(d).templating.list.map((v: Tree) => v.name),
        ["datasource"],
        d.title,
      );
    }
  });

  it("mirrors alert thresholds on the matching panels", () => {
    const steps = (d: Dashboard, title: string) => panel(d, title).fieldConfig.defaults.thresholds.steps;
    const lowFloor = [
      { color: "red", value: null },
      { color: "green", value: 0.9 },
    ];
    const mine = grafanaDashboards(namespace, changed);
    assert.deepEqual(steps(mine[2]!, "A@3 accuracy"), lowFloor);
    assert.deepEqual(steps(mine[0]!, "RCA accuracy (A@3)"), lowFloor);
    assert.deepEqual(steps(mine[3]!, "Kafka consumer lag"), [
      { color: "green", value: null },
      { color: "red", value: 500 },
    ]);
    assert.deepEqual(panel(mine[3]!, "Kafka consumer lag").fieldConfig.defaults.custom, {
      thresholdsStyle: { mode: "line" },
    });
  });

  it("scopes the resource utilization panel to the platform namespace", () => {
    const utilization = panel(grafanaDashboards("staging-kg", defaults)[0]!, "System resource utilization");
    assert.equal(utilization.targets.length, 3);
    for (const t of utilization.targets) {
      assert.match(t.expr, /namespace="staging-kg"/);
    }
  });

  for (const d of dashboards) {
    describe(`dashboard ${d.title}`, () => {
      const json: Tree = JSON.parse(JSON.stringify(d));

      it("is Grafana dashboard JSON: schema version, uid, title, templating, panels with targets", () => {
        assert.equal(json.id, null);
        // The foundation SDK's dashboard model: Grafana 11.6's schema.
        assert.equal(json.schemaVersion, 41);
        assert.equal(typeof json.uid, "string");
        assert.ok(json.uid.length <= 40);
        assert.equal(json.title, d.title);
        assert.ok(Array.isArray(json.templating.list));
        assert.ok(json.panels.length >= 5);
        for (const p of json.panels) {
          assert.deepEqual(Object.keys(p.gridPos).sort(), ["h", "w", "x", "y"], p.title);
          assert.ok(["stat", "gauge", "timeseries", "bargauge"].includes(p.type), p.title);
          assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" }, p.title);
          assert.ok(p.targets.length >= 1, p.title);
          for (const t of p.targets) {
            assert.match(t.refId, /^[A-Z]$/, p.title);
            assert.ok(t.expr.length > 0, p.title);
            assert.deepEqual(t.datasource, p.datasource, p.title);
          }
          assert.equal(new Set(p.targets.map((t: Tree) => t.refId)).size, p.targets.length, p.title);
        }
      });

      it("numbers panels uniquely and lays them out without overlap inside 24 columns", () => {
        assert.deepEqual(
          json.panels.map((p: Tree) => p.id),
          json.panels.map((_: Tree, i: number) => i + 1),
        );
        const cells = new Set<string>();
        for (const p of json.panels) {
          const { x, y, w, h }: { x: number; y: number; w: number; h: number } = p.gridPos;
          assert.ok(x >= 0 && w > 0 && x + w <= 24, `${p.title}: ${JSON.stringify(p.gridPos)}`);
          for (let cx = x; cx < x + w; cx++) {
            for (let cy = y; cy < y + h; cy++) {
              assert.ok(!cells.has(`${cx},${cy}`), `${p.title} overlaps another panel at ${cx},${cy}`);
              cells.add(`${cx},${cy}`);
            }
          }
        }
      });
    });
  }
});

describe("monitoring: dashboard assembly", () => {
  const panels = (...widths: number[]) => widths.map((w, i) => timeseriesPanel(`p${i}`, query("up")).span(w));

  it("lets the SDK lay panels out left to right, a new row once 24 columns are full", () => {
    const built = dashboard("kg-rca-test", "Test", panels(6, 18, 24, 8, 8, 8));
    assert.deepEqual(
      built.panels.map((p) => [p.id, p.gridPos]),
      [
        [1, { x: 0, y: 0, w: 6, h: 8 }],
        [2, { x: 6, y: 0, w: 18, h: 8 }],
        [3, { x: 0, y: 8, w: 24, h: 8 }],
        [4, { x: 0, y: 16, w: 8, h: 8 }],
        [5, { x: 8, y: 16, w: 8, h: 8 }],
        [6, { x: 16, y: 16, w: 8, h: 8 }],
      ],
    );
  });

  it("refuses a row whose panels stick out of the 24 columns, and a uid Grafana would refuse", () => {
    assert.throws(
      () => dashboard("kg-rca-test", "Test", panels(12, 16)),
      /dashboard "Test": panel "p1" ends at column 28 of 24; make the widths of each row add up to 24/,
    );
    assert.throws(() => dashboard("KG_RCA", "Test", panels(24)), /uid must be 1-40 lowercase letters/);
    assert.throws(() => dashboard("x".repeat(41), "Test", panels(24)), /uid must be 1-40/);
  });
});

describe("Monitoring component", () => {
  function monitoringConfig(prometheusOperator: boolean, alerts = defaults): MonitoringConfig {
    return { prometheusOperator, alerts };
  }

  function synthesizeMonitoring(config: MonitoringConfig, skipAwait?: boolean): Promise<MockRun> {
    return runUnderMocks(
      () => {
        new Monitoring("monitoring", {
          namespace,
          monitoring: config,
          ...(skipAwait === undefined ? {} : { skipAwait }),
        });
      },
      {},
      "unit",
    );
  }

  function assertDashboardConfigMaps(run: MockRun, alerts: AlertThresholds): void {
    const dashboards = ofType(run, types.configMap).filter(
      (r) => (r.inputs as Tree).metadata.labels.grafana_dashboard === "1",
    );
    assert.deepEqual(
      dashboards.map((r) => [r.name, (r.inputs as Tree).metadata.name, r.parent]),
      [
        ["monitoring-dashboard-per-client", "kg-rca-per-client-dashboard", "monitoring"],
        ["monitoring-dashboard-performance", "kg-rca-performance-dashboard", "monitoring"],
        ["monitoring-dashboard-rca-quality", "kg-rca-rca-quality-dashboard", "monitoring"],
        ["monitoring-dashboard-server-overview", "kg-rca-server-overview-dashboard", "monitoring"],
      ],
    );
    for (const expected of grafanaDashboards(namespace, alerts)) {
      const cm: Tree = find(run, types.configMap, `monitoring-dashboard-${expected.uid.replace("kg-rca-", "")}`).inputs;
      assert.equal(cm.metadata.namespace, namespace);
      assert.deepEqual(Object.keys(cm.data), [`${expected.uid}.json`]);
      assert.deepEqual(JSON.parse(cm.data[`${expected.uid}.json`]), JSON.parse(JSON.stringify(expected)));
    }
  }

  it("declares a PrometheusRule kg-rca-alerts and four dashboard ConfigMaps with the Prometheus Operator", async () => {
    const run = await synthesizeMonitoring(monitoringConfig(true));
    assert.deepEqual(
      run.resources.map((r) => [r.type, r.name]),
      [
        ["kg-rca:monitoring:Monitoring", "monitoring"],
        ["kubernetes:core/v1:ConfigMap", "monitoring-dashboard-per-client"],
        ["kubernetes:core/v1:ConfigMap", "monitoring-dashboard-performance"],
        ["kubernetes:core/v1:ConfigMap", "monitoring-dashboard-rca-quality"],
        ["kubernetes:core/v1:ConfigMap", "monitoring-dashboard-server-overview"],
        [prometheusRuleType, "monitoring-alerts"],
      ],
    );
    const rule = find(run, prometheusRuleType, "monitoring-alerts");
    assert.equal(rule.parent, "monitoring");
    const inputs: Tree = rule.inputs;
    assert.equal(inputs.apiVersion, "monitoring.coreos.com/v1");
    assert.equal(inputs.kind, "PrometheusRule");
    assert.equal(inputs.metadata.name, "kg-rca-alerts");
    assert.equal(inputs.metadata.namespace, namespace);
    assert.equal(inputs.metadata.labels["app.kubernetes.io/part-of"], "kg-rca-server");
    assert.equal(inputs.metadata.annotations, undefined);
    assert.deepEqual(inputs.spec, { groups: alertRuleGroups(defaults, namespace) });
    assertDashboardConfigMaps(run, defaults);
  });

  it("declares the rules file in a ConfigMap kg-rca-alert-rules without the Prometheus Operator", async () => {
    const run = await synthesizeMonitoring(monitoringConfig(false, changed));
    assert.equal(ofType(run, prometheusRuleType).length, 0);
    assert.equal(ofType(run, types.configMap).length, 5);
    const rules = find(run, types.configMap, "monitoring-alert-rules");
    assert.equal(rules.parent, "monitoring");
    const inputs: Tree = rules.inputs;
    assert.equal(inputs.metadata.name, "kg-rca-alert-rules");
    assert.equal(inputs.metadata.labels.grafana_dashboard, undefined);
    assert.deepEqual(Object.keys(inputs.data), ["kg-rca-alerts.yaml"]);
    assert.equal(inputs.data["kg-rca-alerts.yaml"], renderRulesYaml(alertRuleGroups(changed, namespace)));
    assertDashboardConfigMaps(run, changed);
  });

  it("marks every object skipAwait when asked", async () => {
    const run = await synthesizeMonitoring(monitoringConfig(true), true);
    const objects = run.resources.filter((r) => r.custom);
    assert.equal(objects.length, 5);
    for (const r of objects) {
      assert.deepEqual((r.inputs as Tree).metadata.annotations, { "pulumi.com/skipAwait": "true" }, r.name);
    }
  });

  it("refuses an empty namespace, naming the argument", async () => {
    await assert.rejects(
      runUnderMocks(
        () => {
          new Monitoring("monitoring", { namespace: "", monitoring: monitoringConfig(true) });
        },
        {},
        "unit",
      ),
      (err: unknown) => err instanceof MockRunError && /args\.namespace is empty/.test(err.message),
    );
  });
});
