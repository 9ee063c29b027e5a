/**
 * The error every validation in this program throws: it carries all the
 * problems found, one line each, so an operator fixes them in one pass.
 */
export class ValidationError extends Error {
  public readonly problems: readonly string[];

  constructor(subject: string, problems: readonly string[]) {
    super(`${subject}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ValidationError";
    this.problems = problems;
  }
}
