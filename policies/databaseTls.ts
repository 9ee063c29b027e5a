import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { postgresPort } from "../components/postgres/billingDatabase";
import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

interface Container {
  readonly name?: string;
  readonly args?: readonly string[];
  readonly ports?: readonly { readonly containerPort?: number }[];
}

/** The containers of a StatefulSet that serve PostgreSQL's port. */
function postgresContainers(props: Props): Container[] {
  const spec = ((props.spec as Props | undefined)?.template as Props | undefined)?.spec as Props | undefined;
  const containers = (spec?.containers ?? []) as Container[];
  return containers.filter((c) => (c.ports ?? []).some((p) => p.containerPort === postgresPort));
}

/** Whether a PostgreSQL server's options turn TLS on and replace the host-based authentication. */
export function postgresRequiresTls(args: readonly string[]): boolean {
  const options = args.filter((_, i) => args[i - 1] === "-c");
  return options.includes("ssl=on") && options.some((o) => o.startsWith("hba_file="));
}

/**
 * In prod the billing database takes TLS only: its server starts with `ssl=on` and the program's
 * host-based authentication, which refuses any connection over the network without TLS.
 */
export function databaseTls(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "database-tls",
    description: "In prod, PostgreSQL runs with TLS on and refuses plaintext connections over the network.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateResource: (args, reportViolation) => {
      if (configOf(args).environment !== "prod" || args.type !== resourceTypes.statefulSet) {
        return;
      }
      for (const container of postgresContainers(args.props as Props)) {
        if (!postgresRequiresTls(container.args ?? [])) {
          reportViolation(
            `StatefulSet ${args.name} runs PostgreSQL (container ${container.name ?? "?"}) without TLS in prod: billing data and passwords would cross the network unencrypted. Set kg-rca-server:tlsCaCertificate (and the issuer) so the program starts it with ssl=on and its TLS-only pg_hba.conf.`,
          );
        }
      }
    },
  };
}
