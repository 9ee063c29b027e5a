import * as k8s from "@kubernetes/client-node";

import { messageOf } from "../findings";
import { kubeconfigPath, loadKubeconfig } from "./kubeconfig";
import { forwardPort, PortForwardTarget, PortForwarding } from "../../components/shared/portForward";
import { Environment } from "./variables";

/** A status the API server answered with, other than 2xx; `status` lets a caller treat 404 or 409 as an answer. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Typed clients of one cluster, all with the same credentials, deadline per request and error messages. */
export interface KubeClient {
  readonly server: string;
  /** The loaded kubeconfig, for client-node's Watch, Exec and Log. */
  readonly config: k8s.KubeConfig;
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  /** Any kind by apiVersion and kind; resource names come from the API server's discovery. */
  readonly objects: k8s.KubernetesObjectApi;
  /** A local port forwarded to a pod's port, until its `close()`. */
  portForward(target: PortForwardTarget): Promise<PortForwarding>;
  /** Cancels the requests still in flight (a deadline passed). */
  close(): void;
}

/** The cluster of $KUBECONFIG (else ~/.kube/config); every request is cut after `timeoutMs`. */
export function openKubernetes(env: Environment, timeoutMs: number): KubeClient {
  return kubeClient(loadKubeconfig(kubeconfigPath(env)), timeoutMs);
}

export function kubeClient(config: k8s.KubeConfig, timeoutMs: number): KubeClient {
  const cluster = config.getCurrentCluster();
  if (cluster === null) {
    throw new Error(`kubeconfig: the current context names no cluster`);
  }
  const closed = new AbortController();
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: credentials(config) },
    httpApi: k8s.wrapHttpLibrary(explainedFetch(cluster.server, timeoutMs, closed.signal)),
  });
  return {
    server: cluster.server,
    config,
    core: new k8s.CoreV1Api(configuration),
    apps: new k8s.AppsV1Api(configuration),
    objects: new k8s.KubernetesObjectApi(configuration),
    portForward: (target) => forwardPort(new k8s.PortForward(config), target),
    close: () => {
      closed.abort();
    },
  };
}

/** The kubeconfig's credentials; a failing exec plugin (e.g. `aws eks get-token`) is named as such. */
function credentials(config: k8s.KubeConfig): k8s.SecurityAuthentication {
  const plugin = (config.getCurrentUser()?.exec as { command?: string } | undefined)?.command;
  return {
    getName: () => config.getName(),
    // client-node runs the plugin with an asynchronous spawn: the event loop, and every other check, go on.
    applySecurityAuthentication: async (context) => {
      try {
        await config.applySecurityAuthentication(context);
      } catch (err) {
        throw plugin === undefined ? err : new Error(`credential plugin ${plugin} failed: ${messageOf(err).trim()}`);
      }
    },
  };
}

/** client-node's fetch, with a deadline on each request and errors that say what failed where. */
function explainedFetch(server: string, timeoutMs: number, closed: AbortSignal): k8s.PromiseHttpLibrary {
  const fetchLibrary = new k8s.IsomorphicFetchHttpLibrary();
  return {
    send: async (request) => {
      const deadline = AbortSignal.timeout(timeoutMs);
      request.setSignal(AbortSignal.any([closed, deadline]));
      let response: k8s.ResponseContext;
      try {
        response = await fetchLibrary.send(request).toPromise();
      } catch (err) {
        const reason = deadline.aborted ? `no answer within ${timeoutMs} ms` : unreachableReason(err);
        throw new Error(`cannot reach the Kubernetes API at ${server}: ${reason}`);
      }
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
        const url = new URL(request.getUrl());
        throw new KubeApiError(
          `${request.getHttpMethod()} ${url.pathname}${url.search} answered ${response.httpStatusCode}: ${statusMessage(await response.body.text())}`,
          response.httpStatusCode,
        );
      }
      return response;
    },
  };
}

/** node-fetch wraps the socket's error as "request to URL failed, reason: …": the reason is what matters. */
function unreachableReason(err: unknown): string {
  const message = messageOf(err);
  return /, reason: (.*)$/s.exec(message)?.[1] ?? message;
}

/** The `message` of the API server's Status object, else the body as it came. */
function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/** Runs a create; an object of that name already there (409 Conflict) counts as done. True when this call created it. */
export async function createIfAbsent(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 409) {
      return false;
    }
    throw err;
  }
}
