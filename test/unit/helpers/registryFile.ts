import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ClientEntry } from "../../../clients";

let folder: string | undefined;
let written = 0;

/** One temporary folder per test process, removed when the process exits. */
function registryFolder(): string {
  if (folder === undefined) {
    const created = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-registry-"));
    process.on("exit", () => {
      fs.rmSync(created, { recursive: true, force: true });
    });
    folder = created;
  }
  return folder;
}

/** Writes clients to a temporary JSON registry and returns the `clientRegistry` config value for it. */
export function registryFile(clients: readonly unknown[]): string {
  written += 1;
  const file = path.join(registryFolder(), `clients-${written}.json`);
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
