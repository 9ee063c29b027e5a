import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { objectMeta, workloadLabels } from "../shared/kubernetesMeta";
import { podSecurityLabels } from "../shared/podSecurity";
import { trustedCaConfigMapName } from "../shared/trustedCa";
import { PlatformGuard } from "./platformGuard";

export interface PlatformFoundationArgs {
  /** The namespace that holds the whole platform; created here and retained on delete. */
  readonly namespace: string;
  /** StorageClass of every volume; it must allow expansion for storage growth (the guard checks). */
  readonly storageClassName: string;
  /**
   * When set, the program declares the StorageClass itself (with expansion
   * allowed) using this provisioner; when empty, the class is the cluster's and is read.
   */
  readonly storageClassProvisioner: string;
  /** Configured data volume sizes, keyed by config key, for the guard. */
  readonly volumeSizes: Record<string, string>;
  /** Configured broker count, for the guard: lowering it is refused unless the removed brokers are drained. */
  readonly kafkaBrokers: number;
  /** Broker ids already drained of partitions, for the guard. */
  readonly kafkaDrainedBrokers: readonly number[];
  /**
   * Status of every registry entry by client id, for the guard.
   * @default undefined: a platform stack, whose tenants stacks hold and guard the clients
   */
  readonly clients?: Readonly<Record<string, string>>;
  /**
   * Where the registry comes from (a name or file:PATH.json), named in the guard's refusals.
   * @default undefined: with no clients, nothing to name
   */
  readonly clientRegistry?: string;
  /** alertDiskUsageRatio, recorded on the guard for the policy pack's Kafka storage bound. */
  readonly kafkaDiskUsageRatio: number;
  /**
   * The environment's tenant shard count, which the guard keeps from changing once the environment
   * is split into tenants stacks (a platform stack's).
   * @default undefined: a whole stack, whose clients are not in shards yet (its count is not fixed)
   */
  readonly tenantShards?: number;
  /** PEM of the CA the servers' certificates chain to, given to the namespace's clients; "" for none. */
  readonly caCertificate: string;
}

/**
 * What every other component stands on: the guard that refuses data-losing
 * changes before anything is touched, the platform's namespace, the
 * StorageClass (declared or read), and the Kubernetes provider every other
 * component uses (it depends on the guard). The namespace is retained on
 * delete: deleting it would take every claim, secret and database with it.
 */
export class PlatformFoundation extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly provider: k8s.Provider;
  /** Resources outside the Kubernetes provider (Kafka, billing, Neo4j) must also wait for it. */
  public readonly guard: PlatformGuard;
  /** The ConfigMap of the servers' CA (key ca.crt) clients in the namespace mount; undefined without a CA. */
  public readonly caConfigMapName?: string;

  constructor(name: string, args: PlatformFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    // Its type until it was renamed: the alias keeps this component's URN, and so its children's.
    const aliases = [...(opts?.aliases ?? []), { type: "kg-rca:shared:PlatformNamespace" }];
    super("kg-rca:platform:PlatformFoundation", name, {}, { ...opts, aliases });
    this.name = args.namespace;
    const expandable = this.storageClassExpandable(name, args);
    const guard = (this.guard = new PlatformGuard(
      `${name}-guard`,
      {
        volumeSizes: args.volumeSizes,
        storageClassExpandable: expandable,
        kafkaBrokers: args.kafkaBrokers,
        kafkaDrainedBrokers: [...args.kafkaDrainedBrokers],
        ...(args.clients === undefined ? {} : { clients: { ...args.clients }, clientRegistry: args.clientRegistry }),
        kafkaDiskUsageRatio: args.kafkaDiskUsageRatio,
        tenantShards: args.tenantShards,
      },
      { parent: this },
    ));
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      // The API server's PodSecurity admission refuses any pod here that would not pass "restricted".
      { metadata: { name: args.namespace, labels: { ...workloadLabels("kg-rca-server"), ...podSecurityLabels() } } },
      { parent: this, retainOnDelete: true, dependsOn: [guard] },
    );
    // Objects without a namespace land in the platform's; the provider waits for it (and so for the guard).
    this.provider = new k8s.Provider(
      `${name}-kubernetes`,
      { namespace: args.namespace, enableServerSideApply: true },
      { parent: this, dependsOn: [namespace, guard] },
    );
    if (args.caCertificate !== "") {
      // Not a secret: every tenant is given the same CA.
      new k8s.core.v1.ConfigMap(
        `${name}-tls-ca`,
        {
          metadata: objectMeta(trustedCaConfigMapName, args.namespace, workloadLabels("kg-rca-server"), false),
          data: { "ca.crt": args.caCertificate },
        },
        { parent: this, provider: this.provider },
      );
      this.caConfigMapName = trustedCaConfigMapName;
    }
    this.registerOutputs({
      name: this.name,
      provider: this.provider,
      guard: this.guard,
      caConfigMapName: this.caConfigMapName,
    });
  }

  private storageClassExpandable(name: string, args: PlatformFoundationArgs): pulumi.Input<boolean> {
    // Cluster-scoped and needed before the guard: through a provider that does not wait for it.
    const reader = new k8s.Provider(`${name}-reader`, {}, { parent: this });
    if (args.storageClassProvisioner !== "") {
      new k8s.storage.v1.StorageClass(
        `${name}-storage-class`,
        {
          metadata: { name: args.storageClassName },
          provisioner: args.storageClassProvisioner,
          allowVolumeExpansion: true,
          reclaimPolicy: "Retain",
          // Declared only where the program owns the cluster's storage (local stacks, no scheduler): bind at once.
          volumeBindingMode: "Immediate",
        },
        { parent: this, provider: reader },
      );
      return true;
    }
    // The cluster's class, read at preview time.
    const existing = k8s.storage.v1.StorageClass.get(`${name}-storage-class`, args.storageClassName, {
      parent: this,
      provider: reader,
    });
    // Absent on classes that never set it; the guard treats anything but true as not expandable.
    return existing.allowVolumeExpansion;
  }
}
