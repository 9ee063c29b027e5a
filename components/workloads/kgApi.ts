import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { KgApiConfig, MaintenanceConfig } from "../../config";
import { objectMeta, plainEnv, secretEnv, workloadLabels } from "../shared/kubernetesMeta";
import { postgresClientTlsEnv } from "../postgres/billingTls";
import { trustedCaFile, trustedCaMountPath } from "../shared/trustedCa";
import { AutoscaledDeployment } from "./autoscaledDeployment";
import { MaintenancePage } from "./maintenancePage";

export interface KgApiArgs {
  /** Namespace of the workload and its Ingress. */
  readonly namespace: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** Image, autoscaling, resources, Ingress host and Ingress class (validated stack config). */
  readonly kgApi: KgApiConfig;
  /** Bolt URL of the Neo4j cluster. */
  readonly neo4jBoltUrl: string;
  /** Secret whose `password` key holds the Neo4j password. */
  readonly neo4jAuthSecretName: pulumi.Input<string>;
  /** In-cluster host name of the billing database. */
  readonly billingHost: string;
  /** Name of the billing database. */
  readonly billingDatabase: string;
  /** Secret with the billing user's `username` and `password`. */
  readonly billingAuthSecretName: pulumi.Input<string>;
  /**
   * ConfigMap with the CA (ca.crt) of the billing database's and Neo4j's certificates: libpq verifies
   * PostgreSQL with it (verify-full), Node's TLS (the Neo4j driver's neo4j+s) trusts it.
   * @default none: no TLS to either
   */
  readonly caConfigMapName?: string;
  /** Maintenance mode: when enabled the workload is parked and the Ingress serves the page image's 503. */
  readonly maintenance: MaintenanceConfig;
}

export const kgApiPort = 8080;

/** The maintenance page's name (its Deployment, Service and pods' app) for a kg-api named `kgApiName`. */
export function maintenancePageName(kgApiName: string): string {
  return `${kgApiName}-maintenance`;
}

/**
 * The RCA query API: an autoscaled Deployment behind an Ingress. In
 * maintenance mode the Deployment is parked at zero without its HPA and the
 * Ingress points at a page that answers 503; leaving maintenance declares
 * exactly what was there before.
 */
export class KgApi extends pulumi.ComponentResource {
  public readonly url: string;

  constructor(name: string, args: KgApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:workloads:KgApi", name, {}, opts);
    const api = args.kgApi;
    this.url = `https://${api.ingressHost}`;

    const workload = new AutoscaledDeployment(
      name,
      {
        namespace: args.namespace,
        skipAwait: args.skipAwait,
        image: api.image,
        resources: api.resources,
        autoscaling: api.autoscaling,
        parked: args.maintenance.enabled,
        port: kgApiPort,
        healthPath: "/healthz",
        configMapMounts:
          args.caConfigMapName === undefined
            ? []
            : [{ configMapName: args.caConfigMapName, mountPath: trustedCaMountPath }],
        env: [
          ...plainEnv({
            PORT: kgApiPort,
            NEO4J_URI: args.neo4jBoltUrl,
            NEO4J_USER: "neo4j",
            PGHOST: args.billingHost,
            PGDATABASE: args.billingDatabase,
            // libpq's variables (TLS, the certificate checked against the CA and the host name), and Node's.
            ...(args.caConfigMapName === undefined
              ? {}
              : { ...postgresClientTlsEnv(), NODE_EXTRA_CA_CERTS: trustedCaFile }),
          }),
          secretEnv("NEO4J_PASSWORD", args.neo4jAuthSecretName, "password"),
          secretEnv("PGUSER", args.billingAuthSecretName, "username"),
          secretEnv("PGPASSWORD", args.billingAuthSecretName, "password"),
        ],
      },
      { parent: this },
    );

    const backend = args.maintenance.enabled
      ? new MaintenancePage(
          maintenancePageName(name),
          { namespace: args.namespace, skipAwait: args.skipAwait, image: args.maintenance.pageImage },
          { parent: this },
        )
      : workload;
    new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        // Only an ingress controller makes an Ingress ready: without one (the local node) nothing would.
        metadata: objectMeta(name, args.namespace, workloadLabels(name), args.skipAwait || !api.ingressAwait),
        spec: {
          ingressClassName: api.ingressClassName,
          rules: [
            {
              host: api.ingressHost,
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: backend.serviceName, port: { number: backend.servicePort } } },
                  },
                ],
              },
            },
          ],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ url: this.url });
  }
}
