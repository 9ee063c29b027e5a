import { ClientEntry } from "../types";

/** Clients of the local test stack (issue-7 scenarios edit copies of this list, not this file). */
export const localClients: readonly ClientEntry[] = [
  { id: "tenant-a", name: "Tenant A", email: "a@tenant-a.example.com", plan: "basic", status: "active" },
  { id: "tenant-b", name: "Tenant B", email: "b@tenant-b.example.com", plan: "pro", status: "active" },
];
