import { ConfigReader } from "./configReader";
import {
  externalServiceTypes,
  HostPort,
  KafkaExternalListener,
  KafkaListenerProtocol,
  kafkaListenerProtocols,
} from "./types";

/** The port range a NodePort Service may take (the API server's default --service-node-port-range). */
const nodePortRange = { min: 30000, max: 32767 } as const;

export function formatHostPort(address: HostPort): string {
  return address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * The tenants' listener: bootstrap and per-broker addresses, checked against each other and the
 * broker count. Host names go into the brokers' certificate, so each must be a valid DNS name or IP.
 */
export function readExternalListener(reader: ConfigReader, brokers: number): KafkaExternalListener {
  const serviceType = reader.oneOf("kafkaExternalServiceType", externalServiceTypes);
  const bootstrap = reader.hostPort("kafkaExternalBootstrapAddress");
  const brokerAddresses = reader.hostPortList("kafkaExternalBrokerAddresses");
  const listener = { serviceType, bootstrap: bootstrap ?? { host: "", port: 0 }, brokers: brokerAddresses };
  if (!reader.allValid("kafkaExternalServiceType", "kafkaExternalBootstrapAddress", "kafkaExternalBrokerAddresses")) {
    return listener;
  }
  if (reader.allValid("kafkaBrokers") && brokerAddresses.length !== brokers) {
    reader.problem(
      "kafkaExternalBrokerAddresses",
      `lists ${brokerAddresses.length} address(es) but kafkaBrokers is ${brokers}: give exactly one HOST:PORT per broker, in broker id order (adding brokers adds their addresses in the same change)`,
    );
  }
  const all = [listener.bootstrap, ...brokerAddresses].map(formatHostPort);
  const repeated = all.filter((address, i) => all.indexOf(address) !== i);
  if (repeated.length > 0) {
    reader.problem(
      "kafkaExternalBrokerAddresses",
      `repeats ${repeated.join(", ")}: the bootstrap and every broker need an address of their own (a broker advertises its own, so clients reach the partition leaders)`,
    );
  }
  if (serviceType === "NodePort") {
    const outside = [listener.bootstrap, ...brokerAddresses].filter(
      (a) => a.port < nodePortRange.min || a.port > nodePortRange.max,
    );
    if (outside.length > 0) {
      reader.problem(
        outside.includes(listener.bootstrap) ? "kafkaExternalBootstrapAddress" : "kafkaExternalBrokerAddresses",
        `port(s) ${outside.map((a) => a.port).join(", ")} outside the NodePort range ${nodePortRange.min}-${nodePortRange.max}: with kafkaExternalServiceType "NodePort" the port is the node port`,
      );
    }
  }
  return listener;
}

/** The listeners' protocol; plaintext is refused in prod. */
export function readListenerProtocol(reader: ConfigReader, environment: string): KafkaListenerProtocol {
  const protocol = reader.oneOf("kafkaListenerProtocol", kafkaListenerProtocols);
  if (environment === "prod" && protocol === "SASL_PLAINTEXT") {
    reader.problem(
      "kafkaListenerProtocol",
      `must be "SASL_SSL" in prod: "SASL_PLAINTEXT" would carry tenants' events and SCRAM exchanges unencrypted`,
    );
  }
  return protocol;
}
