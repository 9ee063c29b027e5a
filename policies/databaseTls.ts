import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { neo4jEnvName, neo4jPorts } from "../components/neo4j/neo4jSettings";
import { postgresPort } from "../components/postgres/billingDatabase";
import { resourceTypes } from "../components/resourceKinds";
import { configOf, guardrailConfigSchema, Props } from "./policyTypes";

interface Container {
  readonly name?: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name?: string; readonly value?: unknown }[];
  readonly ports?: readonly { readonly containerPort?: number }[];
}

/** The containers of a StatefulSet that serve a port. */
function containersServing(props: Props, port: number): Container[] {
  const spec = ((props.spec as Props | undefined)?.template as Props | undefined)?.spec as Props | undefined;
  const containers = (spec?.containers ?? []) as Container[];
  return containers.filter((c) => (c.ports ?? []).some((p) => p.containerPort === port));
}

/** Whether a Neo4j server's settings (the image's NEO4J_* variables) require TLS of every Bolt client. */
export function boltRequiresTls(container: Container): boolean {
  const tlsLevel = neo4jEnvName("server.bolt.tls_level");
  return (container.env ?? []).some((e) => e.name === tlsLevel && e.value === "REQUIRED");
}

/** Whether a PostgreSQL server's options turn TLS on and replace the host-based authentication. */
export function postgresRequiresTls(args: readonly string[]): boolean {
  const options = args.filter((_, i) => args[i - 1] === "-c");
  return options.includes("ssl=on") && options.some((o) => o.startsWith("hba_file="));
}

/**
 * In prod the databases take TLS only: PostgreSQL starts with `ssl=on` and the program's host-based
 * authentication, which refuses any connection over the network without TLS, and every Neo4j
 * server requires TLS of its Bolt clients.
 */
export function databaseTls(enforcementLevel: EnforcementLevel = "mandatory"): ResourceValidationPolicy {
  return {
    name: "database-tls",
    description:
      "In prod, PostgreSQL runs with TLS on and refuses plaintext connections over the network, and Neo4j requires TLS on Bolt.",
    enforcementLevel,
    configSchema: guardrailConfigSchema,
    validateResource: (args, reportViolation) => {
      if (configOf(args).environment !== "prod" || args.type !== resourceTypes.statefulSet) {
        return;
      }
      for (const container of containersServing(args.props as Props, neo4jPorts.bolt)) {
        if (!boltRequiresTls(container)) {
          reportViolation(
            `StatefulSet ${args.name} runs Neo4j (container ${container.name ?? "?"}) without requiring TLS on Bolt in prod: graph data and passwords would cross the network unencrypted. Set kg-rca-server:tlsCaCertificate (and the issuer) so the program sets server.bolt.tls_level REQUIRED.`,
          );
        }
      }
      for (const container of containersServing(args.props as Props, postgresPort)) {
        if (!postgresRequiresTls(container.args ?? [])) {
          reportViolation(
            `StatefulSet ${args.name} runs PostgreSQL (container ${container.name ?? "?"}) without TLS in prod: billing data and passwords would cross the network unencrypted. Set kg-rca-server:tlsCaCertificate (and the issuer) so the program starts it with ssl=on and its TLS-only pg_hba.conf.`,
          );
        }
      }
    },
  };
}
