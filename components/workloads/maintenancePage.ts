import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { objectMeta, resourceRequirements, selectorLabels, workloadLabels } from "../shared/kubernetesMeta";
import { imageUsers, restrictedContainerSecurity, restrictedPodSecurity, scratchVolumes } from "../shared/podSecurity";
import { startupProbe } from "../shared/probes";

/** nginx's temp paths and pid file under a read-only root. */
const nginxScratch = scratchVolumes({ cache: "/var/cache/nginx", run: "/var/run" });

export interface MaintenancePageArgs {
  /** Namespace of the page's Deployment and Service: the Ingress's. */
  readonly namespace: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** The nginx image that serves the page, pinned to a version. */
  readonly image: string;
}

export const maintenancePagePort = 8080;

/**
 * nginx answers every request with 503 and a short page, so clients and probes see planned downtime.
 * Retry-After is set for the whole server: the page is served from the internal location that
 * error_page redirects to, and a header added only in `location /` would be dropped there.
 */
export function maintenanceNginxConfig(): string {
  return `server {
  listen ${maintenancePagePort};
  add_header Retry-After 3600 always;
  location = /maintenance.html {
    internal;
    root /usr/share/nginx/html;
  }
  error_page 503 /maintenance.html;
  location / {
    return 503;
  }
}
`;
}

export const maintenanceHtml = `<!doctype html>
<html><head><title>KG RCA: scheduled maintenance</title></head>
<body><h1>Scheduled maintenance</h1><p>The KG RCA API is down for planned maintenance and will be back shortly.</p></body></html>
`;

/** The page the kg-api Ingress points at during a maintenance window. */
export class MaintenancePage extends pulumi.ComponentResource {
  public readonly serviceName: string;
  public readonly servicePort = maintenancePagePort;

  constructor(name: string, args: MaintenancePageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:workloads:MaintenancePage", name, {}, opts);
    const labels = workloadLabels(name);
    this.serviceName = name;
    const content = new k8s.core.v1.ConfigMap(
      `${name}-content`,
      {
        metadata: objectMeta(name, args.namespace, labels, false),
        data: { "default.conf": maintenanceNginxConfig(), "maintenance.html": maintenanceHtml },
      },
      { parent: this },
    );
    // The page answers 503 by design: probe the port, not a path.
    const servingCheck = { tcpSocket: { port: maintenancePagePort } };
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          replicas: 2,
          selector: { matchLabels: selectorLabels(name) },
          template: {
            metadata: { labels },
            spec: {
              securityContext: restrictedPodSecurity(imageUsers.nginx),
              containers: [
                {
                  name: "nginx",
                  image: args.image,
                  // Not root, nginx ignores its `user` directive and writes its pid and temp files below.
                  securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true }),
                  ports: [{ name: "http", containerPort: maintenancePagePort }],
                  resources: resourceRequirements({
                    requests: { cpu: "50m", memory: "32Mi" },
                    limits: { cpu: "200m", memory: "64Mi" },
                  }),
                  volumeMounts: [
                    { name: "content", mountPath: "/etc/nginx/conf.d/default.conf", subPath: "default.conf" },
                    {
                      name: "content",
                      mountPath: "/usr/share/nginx/html/maintenance.html",
                      subPath: "maintenance.html",
                    },
                    ...nginxScratch.volumeMounts,
                  ],
                  startupProbe: startupProbe(servingCheck, 60),
                  readinessProbe: { ...servingCheck, periodSeconds: 5 },
                },
              ],
              volumes: [{ name: "content", configMap: { name: content.metadata.name } }, ...nginxScratch.volumes],
            },
          },
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          selector: selectorLabels(name),
          ports: [{ name: "http", port: maintenancePagePort, targetPort: maintenancePagePort }],
        },
      },
      { parent: this },
    );
    this.registerOutputs({ serviceName: this.serviceName, servicePort: this.servicePort });
  }
}
