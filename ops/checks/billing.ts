import { billingStatusOf, isLive } from "../../clients/lifecycle";
import { ClientEntry } from "../../clients/types";
import { openBilling } from "../connections/postgres";
import { HealthCheck } from "../context";
import { Finding, ok, warning } from "../findings";

/** Every client of the registry against its billing row: missing rows and statuses that disagree. */
export function judgeBilling(clients: readonly ClientEntry[], rows: ReadonlyMap<string, string>): Finding {
  const problems: string[] = [];
  for (const client of clients) {
    const expected = billingStatusOf(client.status);
    const found = rows.get(client.id);
    if (found === undefined) {
      // An offboarded client's row may predate the billing table; only live clients must have one.
      if (isLive(client.status)) {
        problems.push(`${client.id}: no billing row (expected ${expected})`);
      }
    } else if (found !== expected) {
      problems.push(`${client.id}: billing says ${found}, registry says ${client.status} (expected ${expected})`);
    }
  }
  const figure = `${clients.length - problems.length}/${clients.length} clients match`;
  if (problems.length > 0) {
    return warning(figure, problems.join("; "));
  }
  return ok(figure, "every client of the registry has a billing row with the status its lifecycle implies");
}

export const billingCheck: HealthCheck = {
  name: "billing",
  measures: "the billing database answers, and every registry client has a row with the matching status",
  run: async (context, scope) => {
    const client = await openBilling(context, scope);
    const result = await client.query<{ id: string; status: string }>("SELECT id, status FROM clients");
    return judgeBilling(context.clients, new Map(result.rows.map((r) => [r.id, r.status])));
  },
};
