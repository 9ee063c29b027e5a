/**
 * The billing schema, written to be run any number of times: the database's
 * init script and the billing-row provider both apply it before use.
 * History rows are never deleted; a client leaves as status `deleted`.
 */
export const billingSchemaSql = `
CREATE TABLE IF NOT EXISTS clients (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  plan         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'deleted')),
  api_key_hash TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS client_history (
  seq        BIGSERIAL PRIMARY KEY,
  client_id  TEXT NOT NULL REFERENCES clients (id),
  plan       TEXT NOT NULL,
  status     TEXT NOT NULL,
  changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`.trim();

export const billingDatabase = "billing";
export const billingUser = "billing";
