import { neo4jPorts } from "../../components/neo4j/neo4jSettings";
import { postgresPort } from "../../components/postgres/billingDatabase";
import {
  kafkaAdminSecretName,
  platformWorkloadNames,
  serverAuthSecretName,
} from "../../components/platform/workloadNames";
import { OpsContext } from "../context";
import { Scope } from "../withTimeout";
import { openKubernetes } from "./kubernetes";

/** A server the program runs, as the day-2 commands reach it when their environment names none. */
export interface PlatformServer {
  readonly service: string;
  /** Where a port-forward goes: the StatefulSet's first pod. */
  readonly pod: string;
  readonly port: number;
  /** The Secret its component generated, holding the password. */
  readonly secretName: string;
}

export const platformServers = {
  billing: server(platformWorkloadNames.postgresql, postgresPort),
  neo4j: server(platformWorkloadNames.neo4j, neo4jPorts.bolt),
} as const;

function server(workload: string, port: number): PlatformServer {
  return { service: workload, pod: `${workload}-0`, port, secretName: serverAuthSecretName(workload) };
}

export type ServerContext = Pick<OpsContext, "config" | "env" | "timeoutMs">;

/**
 * host:port of a platform server for this run: a port-forward through the kubeconfig's API server,
 * closed with the scope (`dataPlaneAccess: port-forward`), or the Service's cluster name (`direct`).
 */
export async function reachPlatformServer(
  context: ServerContext,
  server: PlatformServer,
  scope: Scope,
): Promise<{ host: string; port: number; describe: string; serverName: string }> {
  const namespace = context.config.namespace;
  // The name the server's certificate is checked against, whichever way the connection goes.
  const serverName = `${server.service}.${namespace}.svc.cluster.local`;
  if (context.config.network.dataPlaneAccess === "direct") {
    return { host: serverName, port: server.port, describe: `${serverName}:${server.port}`, serverName };
  }
  const kube = openKubernetes(context.env, context.timeoutMs);
  const forwarding = await kube.portForward({ namespace, pod: server.pod, port: server.port });
  scope.onClose(() => forwarding.close());
  return {
    host: "127.0.0.1",
    port: forwarding.localPort,
    describe: `pod ${namespace}/${server.pod}:${server.port} through a port-forward of ${kube.server}`,
    serverName,
  };
}

/** One key of a Secret of the platform's namespace, read with the kubeconfig. */
export async function readPlatformSecret(context: ServerContext, secretName: string, key: string): Promise<string> {
  return (await readPlatformSecretKeys(context, secretName, [key]))[key] as string;
}

/** Keys of one Secret of the platform's namespace, read with the kubeconfig in one request. */
export async function readPlatformSecretKeys<K extends string>(
  context: ServerContext,
  secretName: string,
  keys: readonly K[],
): Promise<Record<K, string>> {
  const kube = openKubernetes(context.env, context.timeoutMs);
  try {
    const secret = await kube.core.readNamespacedSecret({ name: secretName, namespace: context.config.namespace });
    const values = {} as Record<K, string>;
    for (const key of keys) {
      const encoded = secret.data?.[key];
      if (encoded === undefined) {
        throw new Error(`it has no key "${key}"`);
      }
      values[key] = Buffer.from(encoded, "base64").toString("utf8");
    }
    return values;
  } catch (err) {
    throw new Error(`cannot read Secret ${context.config.namespace}/${secretName}: ${(err as Error).message}`);
  } finally {
    kube.close();
  }
}

/** The Kafka super-user's password: KAFKA_ADMIN_PASSWORD, else the platform's Secret. */
export function kafkaAdminPasswordSecret(): { secretName: string; key: string } {
  return { secretName: kafkaAdminSecretName(platformWorkloadNames.kafka), key: "password" };
}
