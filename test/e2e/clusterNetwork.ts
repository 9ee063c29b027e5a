/**
 * Reaching the local node's Services from the host, as a machine on the
 * cluster's network would: the host routes the service and pod ranges to the
 * node (scripts/node/local-node.sh), and in-cluster names are resolved by the
 * cluster's DNS server (CoreDNS on the node's address) instead of the host's
 * resolver. Kafka needs this for every connection, since brokers advertise
 * their headless-Service names.
 */
import * as dns from "dns";
import * as fs from "fs";
import * as net from "net";
import * as yaml from "js-yaml";
import { ISocketFactory } from "kafkajs";

/** The node's address: the API server's host in the node's kubeconfig, where CoreDNS also listens. */
export function nodeAddress(kubeconfigFile: string): string {
  const config = yaml.load(fs.readFileSync(kubeconfigFile, "utf8")) as { clusters: { cluster: { server: string } }[] };
  const server = config.clusters[0]?.cluster.server;
  if (server === undefined) {
    throw new Error(`${kubeconfigFile} names no cluster`);
  }
  return new URL(server).hostname;
}

export class ClusterNetwork {
  private readonly resolver = new dns.promises.Resolver({ timeout: 2000, tries: 3 });

  constructor(public readonly dnsServer: string) {
    this.resolver.setServers([dnsServer]);
  }

  /** The IPv4 address of a cluster name (a Service's, or a pod's through a headless Service). */
  async resolve(host: string): Promise<string> {
    if (net.isIP(host) !== 0) {
      return host;
    }
    const [address] = await this.resolver.resolve4(host);
    if (address === undefined) {
      throw new Error(`${host} has no address in the cluster's DNS (${this.dnsServer})`);
    }
    return address;
  }

  /** A `lookup` for net.connect that asks the cluster's DNS. */
  readonly lookup: net.LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (address) => {
        if (options.all === true) {
          callback(null, [{ address, family: 4 }]);
        } else {
          callback(null, address, 4);
        }
      },
      (err: unknown) => {
        callback(err as NodeJS.ErrnoException, "", 4);
      },
    );
  };

  /** kafkajs sockets that resolve broker names (as the brokers advertise them) in the cluster. */
  readonly kafkaSocketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port, lookup: this.lookup }, onConnect);
    socket.setKeepAlive(true, 60000);
    return socket;
  };
}
