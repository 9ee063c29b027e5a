export * from "./alertRules";
export * from "./dashboards";
export * from "./monitoring";
