import { trustedCaFile } from "../shared/trustedCa";

/**
 * PostgreSQL over TLS: where the server finds its certificate, what its host-based authentication
 * allows, and how its clients verify it. One module, so the server, kg-api, the backup jobs, the
 * engine's billing rows and the ops commands agree on the names.
 */

/** Where the server mounts Secret `<name>-tls` (cert-manager's layout: tls.crt, tls.key, ca.crt). */
export const postgresTlsMountPath = "/etc/postgresql-tls";
export const postgresHbaMountPath = "/etc/postgresql-hba";

export function postgresObjectNames(server: string): { tlsSecret: string; hbaConfigMap: string } {
  return { tlsSecret: `${server}-tls`, hbaConfigMap: `${server}-hba` };
}

/**
 * Host-based authentication: the image's init scripts and probes use the local socket; every
 * connection over the network must be TLS (`hostssl`), so a plaintext client is refused at once.
 */
export const postgresHbaConf = `# Written by the program (components/postgres/billingTls.ts).
local   all  all                trust
hostssl all  all  0.0.0.0/0     scram-sha-256
hostssl all  all  ::/0          scram-sha-256
`;

/** The server's options: TLS from the mounted Secret, and the host-based authentication above. */
export function postgresTlsArguments(): string[] {
  return [
    "-c",
    "ssl=on",
    "-c",
    `ssl_cert_file=${postgresTlsMountPath}/tls.crt`,
    "-c",
    `ssl_key_file=${postgresTlsMountPath}/tls.key`,
    "-c",
    `hba_file=${postgresHbaMountPath}/pg_hba.conf`,
  ];
}

/** libpq's environment for a client in the cluster: TLS, the server's name checked against the CA. */
export function postgresClientTlsEnv(): Record<string, string> {
  return { PGSSLMODE: "verify-full", PGSSLROOTCERT: trustedCaFile };
}
