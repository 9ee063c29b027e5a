import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { Autoscaling, ComputeResources } from "../../config";
import { objectMeta, resourceRequirements, selectorLabels, workloadLabels } from "../shared/kubernetesMeta";
import { restrictedContainerSecurity, restrictedPodSecurity, scratchVolumes } from "../shared/podSecurity";
import { startupProbe } from "../shared/probes";

/** A writable /tmp under the read-only root. */
const appScratch = scratchVolumes({ tmp: "/tmp" });

export interface ConfigMapMount {
  readonly configMapName: string;
  readonly mountPath: string;
}

export interface AutoscaledDeploymentArgs {
  /** Namespace of the Deployment, its HPA and its Service. */
  readonly namespace: string;
  /** Mark objects `pulumi.com/skipAwait`: nothing waits for readiness (API servers without kubelets). */
  readonly skipAwait: boolean;
  /** The container image, pinned to a version. */
  readonly image: string;
  /** CPU and memory requests and limits of the container; the HPA's target is a share of the CPU request. */
  readonly resources: ComputeResources;
  /** The HPA's replica bounds, CPU target and scale-down window. */
  readonly autoscaling: Autoscaling;
  /** The container's environment; secrets only by reference (`secretKeyRef`). */
  readonly env: pulumi.Input<k8s.types.input.core.v1.EnvVar>[];
  /** The container's HTTP port: exposed by the Service and probed at `healthPath`. */
  readonly port: number;
  /** The HTTP path the readiness and liveness probes request. */
  readonly healthPath: string;
  /**
   * ConfigMaps mounted read-only into the container, such as a CA certificate to trust.
   * @default none
   */
  readonly configMapMounts?: readonly ConfigMapMount[];
  /**
   * When true the workload is parked: no HPA and zero replicas (maintenance).
   * @default false
   */
  readonly parked?: boolean;
}

/**
 * A stateless workload: a Deployment, an `autoscaling/v2` HPA that owns its
 * replica count, and a ClusterIP Service.
 */
export class AutoscaledDeployment extends pulumi.ComponentResource {
  public readonly deploymentName: string;
  public readonly serviceName: string;
  public readonly servicePort: number;

  constructor(name: string, args: AutoscaledDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:workloads:AutoscaledDeployment", name, {}, opts);
    const labels = workloadLabels(name);
    const mounts = args.configMapMounts ?? [];
    const parked = args.parked ?? false;
    this.deploymentName = name;
    this.serviceName = name;
    this.servicePort = args.port;

    const healthCheck = { httpGet: { path: args.healthPath, port: args.port } };
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: {
          // The HPA owns the replica count, so the program leaves it unset (server-side apply then
          // never resets the HPA's choice); parked, the program owns it and holds it at zero.
          ...(parked ? { replicas: 0 } : {}),
          selector: { matchLabels: selectorLabels(name) },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
          template: {
            metadata: { labels },
            // The image's own numeric USER, non-root: the kg-api and graph-builder images set one.
            spec: {
              securityContext: restrictedPodSecurity(),
              containers: [
                {
                  name,
                  image: args.image,
                  securityContext: restrictedContainerSecurity({ readOnlyRootFilesystem: true }),
                  volumeMounts: [
                    ...appScratch.volumeMounts,
                    ...mounts.map((m) => ({ name: m.configMapName, mountPath: m.mountPath, readOnly: true })),
                  ],
                  ports: [{ name: "http", containerPort: args.port }],
                  env: args.env,
                  resources: resourceRequirements(args.resources),
                  startupProbe: startupProbe(healthCheck, 120),
                  readinessProbe: { ...healthCheck, periodSeconds: 10 },
                  livenessProbe: { ...healthCheck, periodSeconds: 20, failureThreshold: 6 },
                },
              ],
              volumes: [
                ...appScratch.volumes,
                ...mounts.map((m) => ({ name: m.configMapName, configMap: { name: m.configMapName } })),
              ],
            },
          },
        },
      },
      { parent: this },
    );

    if (!parked) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
            minReplicas: args.autoscaling.minReplicas,
            maxReplicas: args.autoscaling.maxReplicas,
            metrics: [
              {
                type: "Resource",
                resource: {
                  name: "cpu",
                  target: { type: "Utilization", averageUtilization: args.autoscaling.cpuTargetPercent },
                },
              },
            ],
            behavior: {
              scaleDown: { stabilizationWindowSeconds: args.autoscaling.scaleDownStabilizationSeconds },
            },
          },
        },
        { parent: this },
      );
    }

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: objectMeta(name, args.namespace, labels, args.skipAwait),
        spec: { selector: selectorLabels(name), ports: [{ name: "http", port: args.port, targetPort: args.port }] },
      },
      { parent: this },
    );
    this.registerOutputs({
      deploymentName: this.deploymentName,
      serviceName: this.serviceName,
      servicePort: this.servicePort,
    });
  }
}
