/**
 * A throwaway PostgreSQL server from Debian's packages, on loopback, for
 * tests of code that talks to the billing database. Each instance has its own
 * data directory and port; `stop()` and `start()` let a test take it down.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "./freePort";

export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => path.join(root, v, "bin")).find((d) => fs.existsSync(path.join(d, "initdb")));
  if (dir === undefined) {
    throw new Error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/setup.sh (Debian package postgresql)",
    );
  }
  return dir;
}

export class PostgresServer {
  private readonly bin = postgresBinDir();
  // initdb refuses to run as root: run the server as the Debian package's postgres user then.
  private readonly asRoot = process.getuid?.() === 0;

  private constructor(
    private readonly dir: string,
    public readonly port: number,
    public readonly password: string,
  ) {}

  static async create(): Promise<PostgresServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kg-rca-pg-"));
    const server = new PostgresServer(dir, await freePort(), "billing-test-password");
    server.init();
    server.start();
    return server;
  }

  /** URL of the billing database as the `billing` user. */
  get url(): string {
    return `postgresql://billing:${this.password}@127.0.0.1:${this.port}/billing`;
  }

  private run(binary: string, args: string[]): string {
    const file = path.join(this.bin, binary);
    const command = this.asRoot ? "runuser" : file;
    const argv = this.asRoot ? ["-u", "postgres", "--", file, ...args] : args;
    const result = spawnSync(command, argv, { encoding: "utf8", cwd: "/" });
    if (result.status !== 0) {
      throw new Error(`${binary} ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
    }
    return result.stdout;
  }

  private init(): void {
    if (this.asRoot) {
      execFileSync("chown", ["postgres:postgres", this.dir]);
    }
    const pwfile = path.join(this.dir, "pwfile");
    fs.writeFileSync(pwfile, this.password);
    if (this.asRoot) {
      execFileSync("chown", ["postgres:postgres", pwfile]);
    }
    this.run("initdb", [
      "-D",
      path.join(this.dir, "data"),
      "-U",
      "postgres",
      "--auth=scram-sha-256",
      `--pwfile=${pwfile}`,
      "-E",
      "UTF8",
    ]);
  }

  start(): void {
    const options = `-c listen_addresses=127.0.0.1 -c port=${this.port} -c unix_socket_directories=${this.dir}`;
    this.run("pg_ctl", [
      "-D",
      path.join(this.dir, "data"),
      "-l",
      path.join(this.dir, "server.log"),
      "-o",
      options,
      "-w",
      "start",
    ]);
    if (!this.hasBillingDatabase()) {
      this.psql("postgres", `CREATE ROLE billing LOGIN PASSWORD '${this.password}'`);
      this.psql("postgres", "CREATE DATABASE billing OWNER billing");
    }
  }

  stop(): void {
    this.run("pg_ctl", ["-D", path.join(this.dir, "data"), "-m", "fast", "-w", "stop"]);
  }

  /** Stops the server and removes its data. */
  destroy(): void {
    try {
      this.stop();
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private hasBillingDatabase(): boolean {
    return this.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = 'billing'").trim() === "1";
  }

  /** Runs SQL as the superuser and returns psql's unaligned output. */
  psql(database: string, sql: string): string {
    const result = spawnSync(
      path.join(this.bin, "psql"),
      [
        "-h",
        "127.0.0.1",
        "-p",
        String(this.port),
        "-U",
        "postgres",
        "-d",
        database,
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
      ],
      { encoding: "utf8", env: { ...process.env, PGPASSWORD: this.password } },
    );
    if (result.status !== 0) {
      throw new Error(`psql failed: ${result.stderr}`);
    }
    return result.stdout;
  }
}
