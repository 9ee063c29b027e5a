import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { KubeConfig } from "@kubernetes/client-node";
import * as yaml from "js-yaml";

import { connectionVariables, Environment } from "./variables";

type Authenticator = Parameters<KubeConfig["addAuthenticator"]>[0];

/** The kubeconfig file: the first of $KUBECONFIG's list, else ~/.kube/config. */
export function kubeconfigPath(env: Environment): string {
  const listed = (env[connectionVariables.kubeconfig] ?? "").split(path.delimiter).filter((p) => p !== "");
  const candidates = listed.length > 0 ? listed : [path.join(os.homedir(), ".kube", "config")];
  const found = candidates.find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new Error(
      `no kubeconfig: ${connectionVariables.kubeconfig} ${listed.length > 0 ? `names ${listed.join(", ")}, which does not exist` : "is not set and ~/.kube/config does not exist"}`,
    );
  }
  return found;
}

/**
 * A kubeconfig file as client-node reads it (tokens, client certificates, exec credential plugins),
 * checked up front: its current context (else its first) must name a cluster and a user that exist,
 * and the files they name must be readable, so a broken file is an error naming it.
 */
export function loadKubeconfig(file: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(file);
  // Typed as a string, but undefined when the file has no current-context.
  const current = config.getCurrentContext() as string | undefined;
  const contextName = current ?? config.getContexts()[0]?.name;
  if (contextName === undefined) {
    throw new Error(`${file}: no current-context and no contexts`);
  }
  const context = config.getContextObject(contextName);
  if (context === null) {
    throw new Error(`${file}: no context named "${contextName}"`);
  }
  config.setCurrentContext(contextName);
  const cluster = config.getCluster(context.cluster);
  if (cluster === null) {
    throw new Error(`${file}: no cluster named "${context.cluster}"`);
  }
  const user = config.getUser(context.user);
  if (user === null) {
    throw new Error(`${file}: no user named "${context.user}"`);
  }
  for (const named of [cluster.caFile, user.certFile, user.keyFile]) {
    // client-node leaves null where a user entry has no `user` map at all.
    if (typeof named === "string") {
      fs.accessSync(named, fs.constants.R_OK);
    }
  }
  const tokenFile = tokenFileOf(file, context.user);
  if (tokenFile !== undefined) {
    config.addAuthenticator(tokenFileAuthenticator(context.user, tokenFile));
  }
  return config;
}

/** kubectl's `tokenFile` of a user, relative to the kubeconfig; client-node 1.4 reads only `token-file`. */
function tokenFileOf(file: string, userName: string): string | undefined {
  const raw = yaml.load(fs.readFileSync(file, "utf8")) as {
    users?: readonly { name?: string; user?: { tokenFile?: string } }[];
  } | null;
  const tokenFile = raw?.users?.find((u) => u.name === userName)?.user?.tokenFile;
  return tokenFile === undefined ? undefined : path.resolve(path.dirname(file), tokenFile);
}

/** Reads the token at each request, so a rotated token is picked up. */
function tokenFileAuthenticator(userName: string, tokenFile: string): Authenticator {
  return {
    isAuthProvider: (user) => user.name === userName && user.token === undefined,
    applyAuthentication: async (_user, opts: https.RequestOptions) => {
      const token = (await fs.promises.readFile(tokenFile, "utf8")).trim();
      // client-node hands over an object of headers (it may already hold Impersonate-User).
      const headers = opts.headers as Record<string, string> | undefined;
      opts.headers = { ...headers, Authorization: `Bearer ${token}` };
    },
  };
}
