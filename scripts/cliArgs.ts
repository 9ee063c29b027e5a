/** Minimal `--name value` / `--flag` parsing for the repo's scripts; unknown flags are refused. */
export type FlagKinds = Record<string, "string" | "boolean">;

export type ParsedFlags<K extends FlagKinds> = {
  [P in keyof K]?: K[P] extends "boolean" ? boolean : string;
} & { readonly positional: string[] };

export function parseArgs<K extends FlagKinds>(argv: readonly string[], kinds: K): ParsedFlags<K> {
  const parsed: Record<string, string | boolean | string[]> = { positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) {
      (parsed.positional as string[]).push(arg);
      continue;
    }
    const name = arg.slice(2);
    const kind = kinds[name];
    if (kind === undefined) {
      throw new Error(
        `unknown option ${arg}; known: ${Object.keys(kinds)
          .map((k) => `--${k}`)
          .join(", ")}`,
      );
    }
    if (kind === "boolean") {
      parsed[name] = true;
    } else {
      const value = argv[++i];
      if (value === undefined) {
        throw new Error(`option ${arg} needs a value`);
      }
      parsed[name] = value;
    }
  }
  return parsed as ParsedFlags<K>;
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
