import * as kafka from "@pulumi/kafka";
import * as pulumi from "@pulumi/pulumi";

import { scramAnchorUser } from "../kafka/kafkaProperties";
import { previewablePassword } from "../shared/previewablePassword";
import { RandomValue } from "../shared/randomValue";

export interface PlatformKafkaAccessArgs {
  /** The graph-builder's principal name, without `User:`. */
  readonly graphBuilderUser: string;
  /** The graph-builder's SCRAM password, the one its credential Secret holds. */
  readonly graphBuilderPassword: pulumi.Input<string>;
  /** The consumer group the graph-builder reads with; it gets Read on it. */
  readonly graphBuilderConsumerGroup: string;
}

/**
 * The platform's own Kafka identity: the graph-builder's SCRAM user and its
 * consumer group. Its read access to client topics is granted per client by
 * each ClientTenant, on that client's prefix. Also the SCRAM anchor user (see
 * `scramAnchorUser`), so brokers formatted without it get it too.
 */
export class PlatformKafkaAccess extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformKafkaAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kg-rca:tenants:PlatformKafkaAccess", name, {}, opts);
    new kafka.UserScramCredential(
      `${name}-graph-builder-user`,
      {
        username: args.graphBuilderUser,
        scramMechanism: "SCRAM-SHA-512",
        scramIterations: 8192,
        password: previewablePassword(pulumi.output(args.graphBuilderPassword)),
      },
      { parent: this, additionalSecretOutputs: ["password"] },
    );
    new kafka.Acl(
      `${name}-graph-builder-group`,
      {
        aclResourceType: "Group",
        aclResourceName: args.graphBuilderConsumerGroup,
        resourcePatternTypeFilter: "Literal",
        aclPrincipal: `User:${args.graphBuilderUser}`,
        aclHost: "*",
        aclOperation: "Read",
        aclPermissionType: "Allow",
      },
      { parent: this },
    );
    // Without it, a broker restart after an offboarding can refuse every login (Kafka 4.0/4.1).
    const anchorPassword = new RandomValue(
      `${name}-scram-anchor-password`,
      { kind: "password", length: 32 },
      {
        parent: this,
        dependsOn: opts?.dependsOn,
      },
    );
    new kafka.UserScramCredential(
      `${name}-scram-anchor`,
      {
        username: scramAnchorUser,
        scramMechanism: "SCRAM-SHA-512",
        scramIterations: 8192,
        password: previewablePassword(anchorPassword.result),
      },
      { parent: this, additionalSecretOutputs: ["password"] },
    );
    this.registerOutputs({});
  }
}
