/** Shell run by the backup CronJobs, generated from the names the program creates. */

export const backupMountPath = "/backups";

/** What the Neo4j backup says, and exits 1 with, where the image has no online backup (Community Edition). */
export const neo4jBackupUnavailableMessage =
  "neo4j backup: FAILED: this neo4j-admin has no 'database backup' command: online backups need Neo4j Enterprise Edition";

/**
 * Online backup of every database (system included) from the running cluster
 * over the backup port — the guide's `neo4j-admin database dump` is offline
 * and fails against mounted databases — into a dated folder, then pruning of
 * local copies older than the retention. An image without the command
 * (Community) fails at once with a message saying so.
 */
export function neo4jBackupScript(args: {
  readonly servers: readonly string[];
  readonly localRetentionDays: number;
  /** The backup port's TLS: the mounted certificate Secret and the client policy to write. */
  readonly tls?: { readonly secretMountPath: string; readonly trustedDirectory: string; readonly clientConfig: string };
}): string {
  // The client trusts the CA of the mounted Secret: copied into its own folder, which Neo4j lists.
  const tls =
    args.tls === undefined
      ? ""
      : `mkdir -p "${args.tls.trustedDirectory}" "${args.tls.trustedDirectory}-revoked"
cp "${args.tls.secretMountPath}/ca.crt" "${args.tls.trustedDirectory}/ca.crt"
cat > /tmp/backup-tls.conf <<'EOF_TLS'
${args.tls.clientConfig}
EOF_TLS
`;
  const additionalConfig = args.tls === undefined ? "" : " --additional-config=/tmp/backup-tls.conf";
  // `database backup --help` exits 0 even where there is no such command: read the command list instead.
  return `set -euo pipefail
if ! neo4j-admin database --help 2>&1 | grep -qE '^ +backup +'; then
  echo "${neo4jBackupUnavailableMessage} ($(neo4j-admin --version 2>/dev/null || echo 'version unknown'))" >&2
  exit 1
fi
${tls}DATE=$(date +%Y%m%d)
TARGET=${backupMountPath}/$DATE
mkdir -p "$TARGET"
neo4j-admin database backup --from=${args.servers.join(",")} --to-path="$TARGET" --include-metadata=all${additionalConfig} '*'
echo "$DATE" > ${backupMountPath}/.latest
find ${backupMountPath} -mindepth 1 -maxdepth 1 -type d -mtime +${args.localRetentionDays} -print -exec rm -rf {} +
`;
}

export function neo4jUploadScript(bucket: string): string {
  return `set -euo pipefail
DATE=$(cat ${backupMountPath}/.latest)
aws s3 sync "${backupMountPath}/$DATE" "s3://${bucket}/neo4j/$DATE/" --only-show-errors
echo "uploaded s3://${bucket}/neo4j/$DATE/"
`;
}

export function postgresDumpScript(args: {
  readonly host: string;
  readonly database: string;
  readonly user: string;
}): string {
  return `set -euo pipefail
FILE=${backupMountPath}/${args.database}-$(date +%Y%m%d-%H%M%S).dump
pg_dump -h ${args.host} -U ${args.user} -d ${args.database} -F c -f "$FILE"
basename "$FILE" > ${backupMountPath}/.latest
`;
}

export function postgresUploadScript(bucket: string): string {
  return `set -euo pipefail
FILE=$(cat ${backupMountPath}/.latest)
aws s3 cp "${backupMountPath}/$FILE" "s3://${bucket}/postgresql/$FILE" --only-show-errors
echo "uploaded s3://${bucket}/postgresql/$FILE"
`;
}

/** Name of the dump the drill restores, written by postgresLatestDumpScript. */
const drillDumpRecord = ".drill-dump";

/** Downloads the newest PostgreSQL dump in the bucket (names sort by their timestamp) for the restore drill. */
export function postgresLatestDumpScript(bucket: string, dir: string = backupMountPath): string {
  return `set -euo pipefail
FILE=$(aws s3 ls "s3://${bucket}/postgresql/" | awk '{print $4}' | grep -E '\\.dump$' | sort | tail -n 1)
if [ -z "$FILE" ]; then
  echo "restore drill: FAILED: no dump in s3://${bucket}/postgresql/" >&2
  exit 1
fi
aws s3 cp "s3://${bucket}/postgresql/$FILE" "${dir}/$FILE" --only-show-errors
echo "$FILE" > ${dir}/${drillDumpRecord}
echo "restore drill: downloaded s3://${bucket}/postgresql/$FILE"
`;
}

/**
 * The restore drill's check of a PostgreSQL dump: restores it into a scratch
 * database beside the live one, compares it with the live database, and drops
 * the scratch database whatever happened. It passes only when the dump is at
 * most maxAgeHours old (by the timestamp in its name), restores without error,
 * holds clients and history (never more rows than live: billing rows and
 * history are only ever added), and its newest history entry is within
 * maxAgeHours of the live one's. The exit code is the result; the CronJob's
 * job status carries it to Prometheus (BackupRestoreDrillFailed).
 */
export function postgresRestoreDrillScript(args: {
  readonly host: string;
  readonly database: string;
  readonly user: string;
  readonly maxAgeHours: number;
  readonly dir?: string;
}): string {
  const dir = args.dir ?? backupMountPath;
  return `set -euo pipefail
fail() { echo "restore drill: FAILED: $*" >&2; exit 1; }
FILE=$(cat ${dir}/${drillDumpRecord})
STAMP=$(printf '%s' "$FILE" | sed -nE 's/^.*-([0-9]{8})-([0-9]{2})([0-9]{2})([0-9]{2})\\.dump$/\\1 \\2:\\3:\\4/p')
[ -n "$STAMP" ] || fail "$FILE does not carry a dump timestamp (DATABASE-YYYYmmdd-HHMMSS.dump)"
AGE_HOURS=$(( ($(date -u +%s) - $(date -u -d "$STAMP" +%s)) / 3600 ))
[ "$AGE_HOURS" -le ${args.maxAgeHours} ] || fail "the newest dump, $FILE, is $AGE_HOURS hours old (at most ${args.maxAgeHours})"
SCRATCH="restore_drill_$(date -u +%Y%m%d%H%M%S)"
export PGHOST=${args.host} PGUSER=${args.user}
q() { psql -X -v ON_ERROR_STOP=1 -At -d "$1" -c "$2"; }
drop_scratch() { q postgres "DROP DATABASE IF EXISTS $SCRATCH" >/dev/null || echo "restore drill: could not drop $SCRATCH" >&2; }
q postgres "CREATE DATABASE $SCRATCH" >/dev/null
trap drop_scratch EXIT
pg_restore --no-owner --no-privileges --exit-on-error -d "$SCRATCH" "${dir}/$FILE" || fail "pg_restore of $FILE failed"
facts="SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM client_history), (SELECT coalesce(extract(epoch FROM max(changed_at))::bigint, 0) FROM client_history)"
IFS='|' read -r R_CLIENTS R_HISTORY R_NEWEST <<<"$(q "$SCRATCH" "$facts")"
IFS='|' read -r L_CLIENTS L_HISTORY L_NEWEST <<<"$(q ${args.database} "$facts")"
echo "restore drill: $FILE restored: clients $R_CLIENTS (live $L_CLIENTS), history $R_HISTORY (live $L_HISTORY)"
[ "$R_CLIENTS" -gt 0 ] || fail "the restored clients table is empty"
[ "$R_CLIENTS" -le "$L_CLIENTS" ] || fail "the dump holds $R_CLIENTS clients, more than the live $L_CLIENTS: live rows were lost"
[ "$R_HISTORY" -le "$L_HISTORY" ] || fail "the dump holds $R_HISTORY history entries, more than the live $L_HISTORY: live history was lost"
LAG_HOURS=$(( (L_NEWEST - R_NEWEST) / 3600 ))
[ "$LAG_HOURS" -le ${args.maxAgeHours} ] || fail "the dump's newest history entry is $LAG_HOURS hours behind the live one (at most ${args.maxAgeHours})"
echo "restore drill: passed"
`;
}
