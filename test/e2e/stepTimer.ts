/**
 * The seconds each step of a long test took, printed after it: mocha prints only a test's total,
 * and on the node a step's time says whether a pod, a Job or the engine held it up.
 */
export class StepTimer {
  private last = Date.now();
  private readonly steps: string[] = [];

  /** Ends the step that started at the last call (or at construction). */
  done(step: string): void {
    const now = Date.now();
    this.steps.push(`${step} ${((now - this.last) / 1000).toFixed(1)} s`);
    this.last = now;
  }

  summary(): string {
    return this.steps.join(", ");
  }
}
