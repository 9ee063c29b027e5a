/** The repository's command lines: node's parseArgs in strict mode, with errors that name the flag and its fix. */
import { parseArgs, ParseArgsConfig } from "util";

/** A command line that cannot be run as given; scripts print it with their usage and exit 2. */
export class UsageError extends Error {}

/** What a script declares: its flags, and whether it takes positional arguments (a file, a ref, a command). */
export type CommandLineConfig = Omit<ParseArgsConfig, "args" | "strict" | "tokens">;

type Parsed<T extends CommandLineConfig> = ReturnType<typeof parseArgs<T & { strict: true }>>;

interface NodeParseError {
  readonly code?: string;
  readonly message: string;
}

/** `argv` as `config` declares it; anything it does not declare is a UsageError. */
export function parseCommandLine<T extends CommandLineConfig>(argv: readonly string[], config: T): Parsed<T> {
  try {
    return parseArgs<T & { strict: true }>({ ...config, args: [...argv], strict: true });
  } catch (err) {
    throw new UsageError(explain(err as NodeParseError, argv, config));
  }
}

/** For a script's first line: the parsed command line, or the reason and the usage on stderr and exit status 2. */
export function commandLineOrExit<T extends CommandLineConfig>(usage: string, config: T): Parsed<T> {
  try {
    return parseCommandLine(process.argv.slice(2), config);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${usage}`);
      process.exit(2);
    }
    throw err;
  }
}

/** Node's messages say the same in another voice; these are the ones the scripts have always given. */
function explain(err: NodeParseError, argv: readonly string[], config: CommandLineConfig): string {
  // Node quotes the argument at fault: '--verbose', '--stack <value>', 'extra'.
  const flag = /'([^' ]+)/.exec(err.message)?.[1];
  if (flag === undefined) {
    return err.message;
  }
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const known = Object.keys(config.options ?? {}).map((name) => `--${name}`);
      return `unknown option ${flag}; known: ${known.length > 0 ? known.join(", ") : "none"}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      if (/does not take an argument/.test(err.message)) {
        return `option ${flag} takes no value`;
      }
      const next = argv[argv.indexOf(flag) + 1];
      // Strict parsing will not take "-1" or "--json" as the value of the flag before it.
      return next === undefined
        ? `option ${flag} needs a value`
        : `option ${flag} needs a value, and "${next}" looks like an option: if it is the value, write ${flag}=${next}`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${flag}`;
    default:
      return err.message;
  }
}

/** `--set KEY=VALUE,KEY=VALUE`: stack config overrides for one run, without editing the stack file. */
export function parseSetOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of text.split(",").filter((p) => p !== "")) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new Error(`--set expects KEY=VALUE pairs separated by commas; got "${pair}"`);
    }
    overrides[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return overrides;
}
