import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { workloadLabels } from "./kubernetesMeta";

export interface PlatformNamespaceArgs {
  readonly namespace: string;
}

/**
 * The platform's namespace and the Kubernetes provider every other component
 * uses. The namespace is retained on delete: deleting it would take every
 * volume claim, secret and database with it.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly provider: k8s.Provider;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:shared:PlatformNamespace", name, {}, opts);
    this.name = args.namespace;
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: args.namespace, labels: workloadLabels("kg-rca-server") } },
      { parent: this, retainOnDelete: true },
    );
    // Objects without a namespace land in the platform's; the provider waits for it to exist.
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      { namespace: args.namespace, enableServerSideApply: true },
      { parent: this, dependsOn: [namespace] },
    );
    this.registerOutputs({ name: this.name });
  }
}
