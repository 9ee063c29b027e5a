/** Registers what must be closed when a piece of work ends, however it ends. */
export interface Scope {
  onClose(close: () => unknown): void;
}

export class TimeoutError extends Error {}

/**
 * Runs `work` with a deadline. Connections the work registers on its scope
 * are closed when it settles or when the deadline passes, so a server that
 * never answers cannot keep the command (or its sockets) alive.
 */
export async function withTimeout<T>(label: string, ms: number, work: (scope: Scope) => Promise<T>): Promise<T> {
  const closers: (() => unknown)[] = [];
  const scope: Scope = { onClose: (close) => closers.push(close) };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeoutError(`${label}: no answer within ${formatSeconds(ms)}`));
    }, ms);
  });
  try {
    return await Promise.race([work(scope), deadline]);
  } finally {
    clearTimeout(timer);
    await Promise.allSettled(closers.reverse().map((close) => Promise.resolve().then(close)));
  }
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}
