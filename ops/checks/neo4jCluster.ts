import { openNeo4j, Row } from "../connections/neo4j";
import { HealthCheck } from "../context";
import { error, Finding, ok, warning } from "../findings";

export interface Neo4jServer {
  readonly address: string;
  readonly available: boolean;
}

export interface Neo4jDatabaseCopy {
  readonly name: string;
  readonly address: string;
  readonly requestedStatus: string;
  readonly currentStatus: string;
  readonly writer: boolean;
}

/**
 * Leader check: every database meant to be online has a writer (the guide
 * asked `dbms.cluster.overview()` for a LEADER, which Neo4j 5 no longer has),
 * and as many servers are available as the stack declares.
 */
export function judgeNeo4j(
  servers: readonly Neo4jServer[],
  copies: readonly Neo4jDatabaseCopy[],
  configured: number,
): Finding {
  const available = servers.filter((s) => s.available).length;
  const online = [...new Set(copies.filter((c) => c.requestedStatus === "online").map((c) => c.name))].sort();
  const withoutWriter = online.filter(
    (name) => !copies.some((c) => c.name === name && c.writer && c.currentStatus === "online"),
  );
  const figure = `${available}/${configured} servers, ${online.length - withoutWriter.length}/${online.length} databases with a writer`;
  if (available === 0) {
    return error(figure, "no Neo4j server is available");
  }
  if (withoutWriter.length > 0) {
    return error(figure, `no writer (leader) for: ${withoutWriter.join(", ")}`);
  }
  if (available < configured) {
    const down = servers.filter((s) => !s.available).map((s) => s.address);
    return warning(
      figure,
      `fewer servers available than kg-rca-server:neo4jServers (${configured})${down.length > 0 ? `; unavailable: ${down.join(", ")}` : ""}`,
    );
  }
  return ok(figure, `every online database has a writer; ${available} server(s) available of ${configured} configured`);
}

function text(row: Row, key: string): string {
  const value = row[key];
  return typeof value === "string" ? value : "";
}

/** Community Edition has no SHOW SERVERS: each address hosting an online database counts as an available server. */
function serversFromCopies(copies: readonly Neo4jDatabaseCopy[]): Neo4jServer[] {
  const addresses = [...new Set(copies.map((c) => c.address))];
  return addresses.map((address) => ({
    address,
    available: copies.some((c) => c.address === address && c.currentStatus === "online"),
  }));
}

export const neo4jCheck: HealthCheck = {
  name: "neo4j",
  measures: "Neo4j servers available against kg-rca-server:neo4jServers, and a writer for every online database",
  run: async (context, scope) => {
    const neo4j = await openNeo4j(context, scope);
    const copies = (
      await neo4j.read("SHOW DATABASES YIELD name, address, requestedStatus, currentStatus, writer", "system")
    ).map((row) => ({
      name: text(row, "name"),
      address: text(row, "address"),
      requestedStatus: text(row, "requestedStatus"),
      currentStatus: text(row, "currentStatus"),
      writer: row.writer === true,
    }));
    let servers: Neo4jServer[];
    try {
      servers = (await neo4j.read("SHOW SERVERS YIELD address, health", "system")).map((row) => ({
        address: text(row, "address"),
        available: text(row, "health") === "Available",
      }));
    } catch (err) {
      if (!/Unsupported administration command/i.test((err as Error).message)) {
        throw err;
      }
      servers = serversFromCopies(copies);
    }
    return judgeNeo4j(servers, copies, context.config.neo4j.servers);
  },
};
