import { parseCommandLine, parseSetOverrides } from "../scripts/commandLine";

export const opsCommands = ["health", "clients", "capacity"] as const;
export type OpsCommand = (typeof opsCommands)[number];

export interface OpsArgs {
  readonly command: OpsCommand;
  readonly stack: string;
  /** The stack's file when it is not Pulumi.<stack>.yaml (scripts/local.sh keeps the local stack's copy). */
  readonly configFile?: string;
  readonly overrides: Readonly<Record<string, string>>;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly growthPerMonth: number;
}

export const usage = `usage:
  npm run ops -- health --stack NAME [--config-file FILE] [--json] [--timeout SECONDS] [--set KEY=VALUE,...]
  npm run ops -- clients --stack NAME [--config-file FILE] [--json] [--timeout SECONDS] [--set KEY=VALUE,...]
  npm run ops -- capacity [--stack NAME] [--growth CLIENTS_PER_MONTH] [--json] [--set KEY=VALUE,...]`;

export const defaultTimeoutSeconds = 10;
export const defaultGrowthPerMonth = 10;

function timeoutMs(text: string | undefined): number {
  if (text === undefined) {
    return defaultTimeoutSeconds * 1000;
  }
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > 600) {
    throw new Error(`--timeout must be a number of seconds above 0 and at most 600, e.g. 10; got "${text}"`);
  }
  return Math.round(seconds * 1000);
}

function growth(text: string | undefined): number {
  if (text === undefined) {
    return defaultGrowthPerMonth;
  }
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new Error(`--growth must be a whole number of new clients per month, 0 or more, e.g. 10; got "${text}"`);
  }
  return Number(text);
}

/** The command line of `npm run ops`, checked before anything connects anywhere. */
export function parseOpsArgs(argv: readonly string[]): OpsArgs {
  const { values: flags, positionals } = parseCommandLine(argv, {
    options: {
      stack: { type: "string" },
      "config-file": { type: "string" },
      set: { type: "string" },
      json: { type: "boolean" },
      timeout: { type: "string" },
      growth: { type: "string" },
    },
    allowPositionals: true,
  });
  const [command, ...extra] = positionals;
  if (command === undefined || !(opsCommands as readonly string[]).includes(command)) {
    throw new Error(
      `${command === undefined ? "a command is required" : `unknown command "${command}"`}; commands: ${opsCommands.join(", ")}`,
    );
  }
  if (extra.length > 0) {
    throw new Error(`unexpected argument(s): ${extra.join(" ")}`);
  }
  const op = command as OpsCommand;
  // The live commands name their stack: a report of the wrong platform is worse than none.
  if (op !== "capacity" && flags.stack === undefined) {
    throw new Error(`${op} needs --stack NAME (the stack whose platform to check, e.g. prod)`);
  }
  if (op !== "capacity" && flags.growth !== undefined) {
    throw new Error(`--growth applies to capacity only`);
  }
  if (op === "capacity" && flags.timeout !== undefined) {
    throw new Error(`--timeout applies to health and clients only: capacity reaches no server`);
  }
  return {
    command: op,
    stack: flags.stack ?? "prod",
    configFile: flags["config-file"],
    overrides: parseSetOverrides(flags.set ?? ""),
    json: flags.json === true,
    timeoutMs: timeoutMs(flags.timeout),
    growthPerMonth: growth(flags.growth),
  };
}
