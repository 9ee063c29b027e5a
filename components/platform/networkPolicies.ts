import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { NetworkConfig } from "../../config";
import { kafkaPorts } from "../kafka/kafkaProperties";
import { neo4jPorts } from "../neo4j/neo4jSettings";
import { postgresPort } from "../postgres/billingDatabase";
import { workloadLabels } from "../shared/kubernetesMeta";
import { graphBuilderMetricsPort } from "../workloads/graphBuilder";
import { kgApiPort } from "../workloads/kgApi";
import { maintenancePagePort } from "../workloads/maintenancePage";
import { appPolicies, appSelector, platformFlows, PlatformPorts, PlatformWorkloads, policyPeer } from "./networkFlows";

export interface NetworkPoliciesArgs {
  /** The platform's namespace: every pod in it is denied all traffic but what the policies allow. */
  readonly namespace: string;
  /** The workloads' app names, as their components name them. */
  readonly workloads: PlatformWorkloads;
  /** Ingress controller and Prometheus namespaces, operator address ranges. */
  readonly network: NetworkConfig;
  /**
   * The backup jobs' S3 endpoint, whose port they may reach.
   * @default AWS's endpoint, on 443
   */
  readonly s3Endpoint?: string;
}

/** The ports the components declare. */
export const platformPorts: PlatformPorts = {
  kafka: kafkaPorts,
  neo4j: neo4jPorts,
  postgresql: postgresPort,
  kgApi: kgApiPort,
  graphBuilderMetrics: graphBuilderMetricsPort,
  maintenancePage: maintenancePagePort,
};

/**
 * Default deny for every pod of the namespace, in and out; DNS for every pod; then one policy per
 * workload holding exactly its flows of the allow-list (networkFlows.ts). A NetworkPolicy only
 * takes effect where the cluster's network plugin enforces it.
 */
export class NetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:platform:NetworkPolicies", name, {}, opts);
    const labels = workloadLabels(name);
    const meta = (policyName: string) => ({ name: policyName, namespace: args.namespace, labels });
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      { metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-dns`,
      {
        metadata: meta("allow-dns"),
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [policyPeer({ namespace: "kube-system" })],
              ports: [
                { port: 53, protocol: "UDP" },
                { port: 53, protocol: "TCP" },
              ],
            },
          ],
        },
      },
      { parent: this },
    );
    const flows = platformFlows(args.workloads, platformPorts, args.network, args.s3Endpoint);
    for (const policy of appPolicies(args.workloads, flows)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.app}`,
        {
          metadata: meta(`allow-${policy.app}`),
          spec: {
            podSelector: appSelector(policy.app),
            policyTypes: ["Ingress", "Egress"],
            ingress: policy.ingress,
            egress: policy.egress,
          },
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
