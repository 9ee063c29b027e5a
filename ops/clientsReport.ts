import { databaseName, topicName } from "../clients/naming";
import { ClientEntry } from "../clients/types";
import { metricLabels, metricNames } from "../components/monitoring/metricNames";
import { labelIs, selector } from "../components/monitoring/promql";
import { openKafkaAdmin } from "./connections/kafka";
import { openNeo4j } from "./connections/neo4j";
import { openBilling } from "./connections/postgres";
import { prometheus, prometheusUrl } from "./connections/prometheus";
import { topicOffsets } from "./connections/topicOffsets";
import { OpsContext } from "./context";
import { messageOf } from "./findings";
import { Progress } from "./progress";
import { renderTable } from "./report";
import { formatSeconds, Scope, withTimeout } from "./withTimeout";

/** A measured cell: its value, null for "no data" (n/a), or the error that kept it from being measured. */
export type Cell = { readonly value: number | string | null } | { readonly error: string };

export interface ClientActivity {
  readonly id: string;
  readonly plan: string;
  readonly status: string;
  readonly billingStatus: Cell;
  /** Sum of the end offsets of the client's events topic: every event it ever sent. */
  readonly events: Cell;
  readonly resources: Cell;
  readonly rcaLinks: Cell;
  readonly apiCalls7d: Cell;
}

export interface ClientsReport {
  readonly stack: string;
  /** "per-client": each client's own database; "default": the shared default database (kg-rca-server:tenantDatabases false). */
  readonly databases: "per-client" | "default";
  readonly clients: readonly ClientActivity[];
  /** Each source that failed as a whole, with why. */
  readonly errors: Readonly<Record<string, string>>;
}

export const apiCallsWindow = "7d";

export function apiCallsExpr(clientId: string): string {
  return `sum(increase(${selector(metricNames.apiCalls, labelIs(metricLabels.client, clientId))}[${apiCallsWindow}]))`;
}

export const resourcesCypher = "MATCH (r:Resource) RETURN count(r) AS n";
export const rcaLinksCypher = "MATCH ()-[r:POTENTIAL_CAUSE]->() RETURN count(r) AS n";

type Column = "billingStatus" | "events" | "resources" | "rcaLinks" | "apiCalls7d";
type CellsById = Map<string, Partial<Record<Column, Cell>>>;

interface Source {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Fills cells of the clients it could measure; throws when the whole source is unavailable. */
  collect(clients: readonly ClientEntry[], context: OpsContext, cells: CellsById, scope: Scope): Promise<void>;
}

function set(cells: CellsById, id: string, column: Column, cell: Cell): void {
  cells.set(id, { ...cells.get(id), [column]: cell });
}

const billingSource: Source = {
  name: "billing",
  columns: ["billingStatus"],
  collect: async (clients, context, cells, scope) => {
    const db = await openBilling(context, scope);
    const result = await db.query<{ id: string; status: string }>("SELECT id, status FROM clients WHERE id = ANY($1)", [
      clients.map((c) => c.id),
    ]);
    for (const client of clients) {
      set(cells, client.id, "billingStatus", { value: result.rows.find((r) => r.id === client.id)?.status ?? null });
    }
  },
};

const kafkaSource: Source = {
  name: "kafka",
  columns: ["events"],
  collect: async (clients, context, cells, scope) => {
    const admin = await openKafkaAdmin(context, scope);
    const existing = new Set(await admin.listTopics());
    for (const client of clients) {
      const topic = topicName(client.id, "events");
      if (!existing.has(topic)) {
        set(cells, client.id, "events", { error: `topic ${topic} does not exist` });
        continue;
      }
      const offsets = await topicOffsets(admin, topic);
      set(cells, client.id, "events", { value: offsets.reduce((sum, p) => sum + Number(p.high), 0) });
    }
  },
};

const neo4jSource: Source = {
  name: "neo4j",
  columns: ["resources", "rcaLinks"],
  collect: async (clients, context, cells, scope) => {
    const neo4j = await openNeo4j(context, scope);
    const perClient = context.config.tenants.databases;
    const count = async (cypher: string, database: string | undefined) =>
      Number((await neo4j.read(cypher, database))[0]?.n ?? 0);
    // Without per-client databases every client shares the default database: count it once.
    const shared = perClient
      ? undefined
      : { resources: await count(resourcesCypher, undefined), links: await count(rcaLinksCypher, undefined) };
    for (const client of clients) {
      try {
        const database = databaseName(client.id);
        const counts = shared ?? {
          resources: await count(resourcesCypher, database),
          links: await count(rcaLinksCypher, database),
        };
        set(cells, client.id, "resources", { value: counts.resources });
        set(cells, client.id, "rcaLinks", { value: counts.links });
      } catch (err) {
        set(cells, client.id, "resources", { error: messageOf(err) });
        set(cells, client.id, "rcaLinks", { error: messageOf(err) });
      }
    }
  },
};

const prometheusSource: Source = {
  name: "prometheus",
  columns: ["apiCalls7d"],
  collect: async (clients, context, cells) => {
    const prom = prometheus(prometheusUrl(context.config, context.env), context.timeoutMs);
    for (const client of clients) {
      const samples = await prom.query(apiCallsExpr(client.id));
      const value = samples[0]?.value;
      set(cells, client.id, "apiCalls7d", { value: value === undefined ? null : Math.round(value) });
    }
  },
};

export const clientSources: readonly Source[] = [billingSource, kafkaSource, neo4jSource, prometheusSource];

/** The weekly activity summary of every active client; a source that fails marks its cells, the rest is still measured. */
export async function clientsReport(context: OpsContext, progress: Progress): Promise<ClientsReport> {
  const active = context.clients.filter((c) => c.status === "active");
  progress(
    `clients: stack ${context.stack}, ${active.length} active clients, sources: ${clientSources.map((s) => s.name).join(", ")}`,
  );
  const cells: CellsById = new Map();
  const errors: Record<string, string> = {};
  await Promise.all(
    clientSources.map(async (source) => {
      const started = Date.now();
      try {
        await withTimeout(source.name, context.timeoutMs, (scope) => source.collect(active, context, cells, scope));
        progress(`clients: ${source.name}: done (${formatSeconds(Date.now() - started)})`);
      } catch (err) {
        errors[source.name] = messageOf(err);
        // Cells the source measured before it failed keep their values.
        for (const client of active) {
          for (const column of source.columns.filter((col) => cells.get(client.id)?.[col] === undefined)) {
            set(cells, client.id, column, { error: `${source.name}: ${messageOf(err)}` });
          }
        }
        progress(`clients: ${source.name}: error (${formatSeconds(Date.now() - started)})`);
      }
    }),
  );
  const missing: Cell = { error: "not measured" };
  return {
    stack: context.stack,
    databases: context.config.tenants.databases ? "per-client" : "default",
    clients: active.map((c) => {
      const measured = cells.get(c.id) ?? {};
      return {
        id: c.id,
        plan: c.plan,
        status: c.status,
        billingStatus: measured.billingStatus ?? missing,
        events: measured.events ?? missing,
        resources: measured.resources ?? missing,
        rcaLinks: measured.rcaLinks ?? missing,
        apiCalls7d: measured.apiCalls7d ?? missing,
      };
    }),
    errors,
  };
}

export function hasErrors(report: ClientsReport): boolean {
  return report.clients.some((c) =>
    [c.billingStatus, c.events, c.resources, c.rcaLinks, c.apiCalls7d].some((cell) => "error" in cell),
  );
}

function show(cell: Cell): string {
  if ("error" in cell) {
    return "error";
  }
  return cell.value === null ? "n/a" : String(cell.value);
}

export function renderClients(report: ClientsReport): string {
  const database = (id: string) => (report.databases === "per-client" ? databaseName(id) : "(default)");
  const table = renderTable(
    [
      "CLIENT",
      "PLAN",
      "STATUS",
      "BILLING",
      "EVENTS",
      "DATABASE",
      "RESOURCES",
      "RCA LINKS",
      `API CALLS ${apiCallsWindow}`,
    ],
    report.clients.map((c) => [
      c.id,
      c.plan,
      c.status,
      show(c.billingStatus),
      show(c.events),
      database(c.id),
      show(c.resources),
      show(c.rcaLinks),
      show(c.apiCalls7d),
    ]),
  );
  const notes = [
    report.databases === "default"
      ? "resources and RCA links: the shared default database (kg-rca-server:tenantDatabases is false), the same for every client"
      : "resources and RCA links: each client's own database",
  ];
  const cellErrors = report.clients.flatMap((c) =>
    (["billingStatus", "events", "resources", "rcaLinks", "apiCalls7d"] as const)
      .map((column) => ({ column, cell: c[column] }))
      .filter(({ cell }) => "error" in cell && !Object.keys(report.errors).some((s) => cell.error.startsWith(`${s}: `)))
      .map(({ column, cell }) => `${c.id} ${column}: ${"error" in cell ? cell.error : ""}`),
  );
  const errorLines = [
    ...Object.entries(report.errors).map(([source, message]) => `${source}: ${message}`),
    ...cellErrors,
  ];
  return [
    `Client activity of stack ${report.stack} (${report.clients.length} active clients)`,
    "",
    report.clients.length === 0 ? "no active client in the registry" : table,
    "",
    ...notes,
    ...(errorLines.length > 0 ? ["", "errors:", ...errorLines.map((l) => `  ${l}`)] : []),
    "",
  ].join("\n");
}
