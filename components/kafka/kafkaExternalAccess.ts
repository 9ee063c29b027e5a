import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KafkaExternalListener } from "../../config";
import { objectMeta, selectorLabels } from "../shared/kubernetesMeta";
import { kafkaPorts } from "./kafkaProperties";

/** The label the StatefulSet controller puts on each pod: one Service per broker selects by it. */
const podNameLabel = "statefulset.kubernetes.io/pod-name";

/** Names of the tenants' listener's Services: the bootstrap one and broker i's. */
export function externalServiceNames(name: string, brokers: number): { bootstrap: string; brokers: string[] } {
  return {
    bootstrap: `${name}-external-bootstrap`,
    brokers: Array.from({ length: brokers }, (_, id) => `${name}-external-${id}`),
  };
}

/**
 * The tenants' listener outside the cluster: a bootstrap Service over every broker and one Service
 * per broker (clients must reach each partition leader by the address it advertises). With NodePort
 * the configured port is the node port; with LoadBalancer it is the load balancer's.
 */
export function kafkaExternalServices(
  parent: pulumi.ComponentResource,
  args: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly external: KafkaExternalListener;
    readonly skipAwait: boolean;
  },
): void {
  const names = externalServiceNames(args.name, args.external.brokers.length);
  const service = (
    resourceName: string,
    serviceName: string,
    port: number,
    selector: Record<string, string>,
  ): k8s.core.v1.Service =>
    new k8s.core.v1.Service(
      resourceName,
      {
        metadata: objectMeta(serviceName, args.namespace, args.labels, args.skipAwait),
        spec: {
          type: args.external.serviceType,
          selector,
          ports: [
            {
              name: "external",
              port,
              targetPort: kafkaPorts.external,
              ...(args.external.serviceType === "NodePort" ? { nodePort: port } : {}),
            },
          ],
        },
      },
      { parent },
    );
  service(`${args.name}-external-bootstrap`, names.bootstrap, args.external.bootstrap.port, selectorLabels(args.name));
  args.external.brokers.forEach((address, id) =>
    service(`${args.name}-external-${id}`, names.brokers[id] as string, address.port, {
      ...selectorLabels(args.name),
      [podNameLabel]: `${args.name}-${id}`,
    }),
  );
}
