/**
 * What a failed engine run said, for the fleet's summary: the CLI's error lines, each with the
 * lines indented under it (a refusal's list of problems), each once, not its whole transcript.
 * The CLI prints a diagnostic twice, its first line as it happens and the whole of it again at the
 * end: a block that begins another one is left out.
 */
export function errorText(error: unknown, maxLines = 24): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split("\n");
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!/error:|failed|refused|violation|mandatory/i.test(line)) {
      continue;
    }
    const indent = indentOf(line);
    // The progress line puts the resource and its state before the diagnostic.
    const block = [line.slice(Math.max(0, line.search(/error:/i))).trim()];
    while (
      i + 1 < lines.length &&
      (lines[i + 1] as string).trim() !== "" &&
      indentOf(lines[i + 1] as string) > indent
    ) {
      i++;
      block.push(`  ${(lines[i] as string).trim()}`);
    }
    blocks.push(block.join("\n"));
  }
  const kept = blocks.filter(
    (block, index) =>
      blocks.indexOf(block) === index && !blocks.some((other) => other !== block && other.startsWith(block)),
  );
  const shown = kept.length > 0 ? kept.join("\n").split("\n") : lines.slice(-12);
  return shown.slice(0, maxLines).join("\n").trim();
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
