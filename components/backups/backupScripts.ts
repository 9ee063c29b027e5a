/** Shell run by the backup CronJobs, generated from the names the program creates. */

export const backupMountPath = "/backups";

/**
 * Online backup of every database (system included) from the running cluster
 * over the backup port — the guide's `neo4j-admin database dump` is offline
 * and fails against mounted databases — into a dated folder, then pruning of
 * local copies older than the retention.
 */
export function neo4jBackupScript(args: {
  readonly servers: readonly string[];
  readonly localRetentionDays: number;
}): string {
  return `set -euo pipefail
DATE=$(date +%Y%m%d)
TARGET=${backupMountPath}/$DATE
mkdir -p "$TARGET"
neo4j-admin database backup --from=${args.servers.join(",")} --to-path="$TARGET" --include-metadata=all '*'
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
