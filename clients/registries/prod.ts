import { ClientEntry } from "../types";

/**
 * Production clients. Onboarding is adding an entry; a plan change is editing
 * `plan`; suspension and offboarding are edits of `status`. Entries are never
 * deleted: an offboarded client stays as a tombstone so its id is never reused.
 */
export const prodClients: readonly ClientEntry[] = [
  { id: "client-acme-abc123", name: "Acme Corp", email: "ops@acme.example.com", plan: "enterprise", status: "active" },
  { id: "client-newco-xyz789", name: "NewCo Inc", email: "admin@newco.example.com", plan: "basic", status: "active" },
  {
    id: "client-smallco-q1w2e3",
    name: "SmallCo",
    email: "it@smallco.example.com",
    plan: "pro",
    status: "active",
    // Low-value logs: keep a day instead of the plan's three.
    overrides: { retentionHours: { logs: 24 } },
  },
];
