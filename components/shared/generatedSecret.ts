import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { RandomValue } from "./randomValue";

export interface GeneratedSecretArgs {
  /** Name of the Kubernetes Secret. */
  readonly secretName: string;
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Labels of the Secret, usually its workload's. */
  readonly labels: Record<string, string>;
  /** The Secret's keys, built from the generated password (e.g. `{ password: p, NEO4J_AUTH: neo4j/p }`). */
  readonly data: (password: pulumi.Output<string>) => Record<string, pulumi.Input<string>>;
  /**
   * A password given by the stack instead of generated (e.g. for brokers the program does not run).
   * @default generated
   */
  readonly password?: pulumi.Output<string>;
}

/**
 * A password generated once by the engine and delivered in a Kubernetes
 * Secret. Both are secrets in state; the password never appears in a plain input.
 */
export class GeneratedSecret extends pulumi.ComponentResource {
  public readonly secretName: pulumi.Output<string>;
  public readonly password: pulumi.Output<string>;

  constructor(name: string, args: GeneratedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:shared:GeneratedSecret", name, {}, opts);
    const password =
      args.password ??
      // Letters and digits only: the value ends up in JAAS files, SCRAM specs, URLs and env.
      new RandomValue(`${name}-password`, { kind: "password", length: 32 }, { parent: this }).result;
    this.password = pulumi.secret(password);
    const data = args.data(this.password);
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: { name: args.secretName, namespace: args.namespace, labels: args.labels },
        type: "Opaque",
        stringData: pulumi.secret(pulumi.all(data)),
      },
      { parent: this },
    );
    this.secretName = secret.metadata.name;
    this.registerOutputs({ secretName: this.secretName, password: this.password });
  }
}
