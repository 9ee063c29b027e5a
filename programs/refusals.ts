import * as pulumi from "@pulumi/pulumi";

import { ValidationError } from "../config/validationError";

/**
 * Runs the program and hands the engine whatever it throws as a RunError, which the engine prints
 * as its message alone. The program's refusals (a ValidationError for bad config or a bad registry
 * entry, a plain Error for a missing platform output or shard) read as the refusal; any other
 * error (a TypeError, say: a defect) as its stack, as text, so it can still be traced.
 *
 * The RunError's own stack is its message, without frames, for speed: the engine also formats
 * every uncaught error with util.inspect in colour (for its trace), and Node 20's inspect (20.20.2
 * here; nodejs/node#64011, fixed by #64022 after Node 20's end of life) loops on a frame in a
 * scoped package with no folder after the scope until the string reaches V8's limit. The
 * engine's own source maps name such frames (node_modules/@pulumi/resource.ts), so every refused
 * preview or update of the local stack spent 25 to 50 s of CPU there before it printed the refusal.
 */
export async function reportingRefusals<T>(program: () => Promise<T>): Promise<T> {
  try {
    return await program();
  } catch (err) {
    throw runError(
      err instanceof ValidationError || (err instanceof Error && err.constructor === Error)
        ? err.message
        : err instanceof Error
          ? (err.stack ?? err.message)
          : String(err),
    );
  }
}

function runError(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = message;
  return error;
}
