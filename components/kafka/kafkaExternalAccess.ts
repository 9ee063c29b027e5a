import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { CertificateIssuer, KafkaExternalListener } from "../../config";
import { objectMeta, selectorLabels } from "../shared/kubernetesMeta";
import { kafkaCertificateNames, kafkaPorts } from "./kafkaProperties";

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

/**
 * The brokers' certificate. With an issuer, a cert-manager Certificate that writes (and renews) the
 * Secret, awaited until Ready so brokers never start without it; without one, the Secret is expected
 * under the same name (scripts/local.sh writes it from a local CA) and nothing is declared.
 */
export function kafkaCertificate(
  parent: pulumi.ComponentResource,
  args: {
    readonly name: string;
    readonly secretName: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly issuer: CertificateIssuer | undefined;
    readonly headlessService: string;
    readonly external: KafkaExternalListener;
  },
): pulumi.Resource | undefined {
  if (args.issuer === undefined) {
    return undefined;
  }
  const names = kafkaCertificateNames({
    statefulSet: args.name,
    headlessService: args.headlessService,
    namespace: args.namespace,
    external: [args.external.bootstrap, ...args.external.brokers],
  });
  return new k8s.apiextensions.CustomResource(
    `${args.name}-certificate`,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: {
        name: args.secretName,
        namespace: args.namespace,
        labels: args.labels,
        annotations: { "pulumi.com/waitFor": "condition=Ready" },
      },
      spec: {
        secretName: args.secretName,
        issuerRef: { group: "cert-manager.io", kind: args.issuer.kind, name: args.issuer.name },
        dnsNames: names.dnsNames,
        ...(names.ipAddresses.length > 0 ? { ipAddresses: names.ipAddresses } : {}),
        duration: "2160h",
        renewBefore: "720h",
        // Kafka's PEM keystore reads PKCS#8 keys only; a renewal gets a new key.
        privateKey: { algorithm: "RSA", size: 2048, encoding: "PKCS8", rotationPolicy: "Always" },
        usages: ["server auth", "client auth", "digital signature", "key encipherment"],
      },
    },
    { parent },
  );
}
