import { StackConfig } from "../../config";
import { formatHostPort } from "../../config/kafkaListeners";
import { TenantKafkaConnection } from "./clientTenant";

/** How a tenant reaches Kafka: the external listener's bootstrap, its protocol and the CA to trust. */
export function tenantKafkaConnection({ kafka, tls }: Pick<StackConfig, "kafka" | "tls">): TenantKafkaConnection {
  return {
    bootstrapServers: formatHostPort(kafka.external.bootstrap),
    securityProtocol: kafka.listenerProtocol,
    caCertificate: kafka.listenerProtocol === "SASL_SSL" ? tls.caCertificate : "",
  };
}
