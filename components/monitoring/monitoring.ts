import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { MonitoringConfig } from "../../config";
import { objectMeta, workloadLabels } from "../shared/kubernetesMeta";
import { alertRuleGroups, renderRulesYaml, RuleGroup } from "./alertRules";
import { grafanaDashboards } from "./dashboards";
import { Dashboard } from "./grafana";

export interface MonitoringArgs {
  /** The platform namespace: where the objects go, and the scope of the Kubernetes-metric alerts. */
  readonly namespace: string;
  /** Alert thresholds and how rules are delivered (PrometheusRule or ConfigMap), from stack config. */
  readonly monitoring: MonitoringConfig;
  /**
   * Annotate the objects so the provider does not wait for them (an API server without nodes).
   * @default false
   */
  readonly skipAwait?: boolean;
}

/** Name of the PrometheusRule, or of the ConfigMap that holds the rules file. */
export const prometheusRuleName = "kg-rca-alerts";
export const alertRulesConfigMapName = "kg-rca-alert-rules";
export const alertRulesFileKey = "kg-rca-alerts.yaml";
/** The label the Grafana dashboard sidecar watches ConfigMaps for. */
export const grafanaDashboardLabel = { grafana_dashboard: "1" } as const;

export function dashboardConfigMapName(uid: string): string {
  return `${uid}-dashboard`;
}

/**
 * The guide's alert rules, for the Prometheus Operator (a PrometheusRule) or
 * for a Prometheus that reads a rules file (a ConfigMap to mount), and its
 * four Grafana dashboards as ConfigMaps the Grafana sidecar imports.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** Kubernetes name of the PrometheusRule or of the rules ConfigMap. */
  public readonly alertRulesName: string;
  public readonly dashboardUids: string[];

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:monitoring:Monitoring", name, {}, opts);
    if (args.namespace === "") {
      throw new Error("Monitoring: args.namespace is empty; pass the platform namespace (e.g. kg-rca-server)");
    }
    const skipAwait = args.skipAwait ?? false;
    const labels = workloadLabels(name);

    const groups = alertRuleGroups(args.monitoring.alerts, args.namespace);
    this.alertRulesName = args.monitoring.prometheusOperator
      ? this.createPrometheusRule(name, args.namespace, labels, skipAwait, groups)
      : this.createRulesConfigMap(name, args.namespace, labels, skipAwait, groups);

    const dashboards = grafanaDashboards(args.namespace, args.monitoring.alerts);
    for (const dashboard of dashboards) {
      this.createDashboardConfigMap(name, args.namespace, labels, skipAwait, dashboard);
    }
    this.dashboardUids = dashboards.map((d) => d.uid);

    this.registerOutputs({ alertRulesName: this.alertRulesName, dashboardUids: this.dashboardUids });
  }

  private createPrometheusRule(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    skipAwait: boolean,
    groups: readonly RuleGroup[],
  ): string {
    new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: objectMeta(prometheusRuleName, namespace, labels, skipAwait),
        spec: { groups },
      },
      { parent: this },
    );
    return prometheusRuleName;
  }

  private createRulesConfigMap(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    skipAwait: boolean,
    groups: readonly RuleGroup[],
  ): string {
    new k8s.core.v1.ConfigMap(
      `${name}-alert-rules`,
      {
        metadata: objectMeta(alertRulesConfigMapName, namespace, labels, skipAwait),
        data: { [alertRulesFileKey]: renderRulesYaml(groups) },
      },
      { parent: this },
    );
    return alertRulesConfigMapName;
  }

  private createDashboardConfigMap(
    name: string,
    namespace: string,
    labels: Record<string, string>,
    skipAwait: boolean,
    dashboard: Dashboard,
  ): void {
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard-${dashboard.uid.replace(/^kg-rca-/, "")}`,
      {
        metadata: objectMeta(
          dashboardConfigMapName(dashboard.uid),
          namespace,
          { ...labels, ...grafanaDashboardLabel },
          skipAwait,
        ),
        data: { [`${dashboard.uid}.json`]: JSON.stringify(dashboard, null, 2) },
      },
      { parent: this },
    );
  }
}
