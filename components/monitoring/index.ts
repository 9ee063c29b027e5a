export * from "./alertRules";
export * from "./dashboards";
export * from "./metricNames";
export * from "./monitoring";
