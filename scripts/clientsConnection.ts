/**
 * npm run clients:connection -- ID [--stack NAME]
 *
 * Prints the connection sheet of one client of a stack's registry (default stack: prod): the
 * tenants' bootstrap address, protocol and mechanism, topics and consumer-group prefix, how to
 * fetch the password, the CA to trust and the client libraries known to work. Exits 1 for an
 * unknown or offboarded client or an invalid stack config, 2 on a bad command line.
 */
import * as path from "path";

import { connectionSheet } from "../clients/connectionSheet";
import { tenantKafkaConnection } from "../components/tenants/tenantKafkaConnection";
import { loadOpsContext } from "../ops/stack";
import { commandLineOrExit } from "./commandLine";

const projectDir = path.resolve(__dirname, "..");
const usage = "usage: npm run clients:connection -- ID [--stack NAME]";

function main(): number {
  const { values, positionals } = commandLineOrExit(usage, {
    options: { stack: { type: "string", default: "prod" } },
    allowPositionals: true,
  });
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) {
    console.error(`give exactly one client id\n${usage}`);
    return 2;
  }
  const stack = values.stack;
  const context = loadOpsContext({ projectDir, stack, overrides: {}, env: process.env, timeoutMs: 0 });
  const client = context.clients.find((c) => c.id === id);
  if (client === undefined) {
    console.error(
      `client "${id}" is not in the registry of stack ${stack} (${context.config.tenants.registry}); known: ${context.clients.map((c) => c.id).join(", ")}`,
    );
    return 1;
  }
  const connection = tenantKafkaConnection(context.config);
  process.stdout.write(
    connectionSheet(client, {
      stack,
      namespace: context.config.namespace,
      bootstrapServers: connection.bootstrapServers,
      securityProtocol: connection.securityProtocol,
      caCertificate: connection.caCertificate,
    }),
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`clients:connection: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
