export * from "./alertRules";
export * from "./dashboards";
export * from "./grafana";
export * from "./metricNames";
export * from "./monitoring";
export * from "./promql";
