import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ClientEntry } from "../../../clients";

/** Writes clients to a temporary JSON registry and returns the `clientRegistry` config value for it. */
export function registryFile(clients: readonly unknown[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-registry-"));
  const file = path.join(dir, "clients.json");
  fs.writeFileSync(file, JSON.stringify(clients, null, 2));
  return `file:${file}`;
}

export function client(id: string, fields: Partial<ClientEntry> = {}): ClientEntry {
  return {
    id,
    name: `Client ${id}`,
    email: `ops@${id.toLowerCase().replace(/[^a-z0-9-]/g, "x")}.example.com`,
    plan: "basic",
    status: "active",
    ...fields,
  };
}
