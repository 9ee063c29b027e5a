import type * as programs from "./programs";
import { loadPrebuiltOr } from "./programs/prebuilt";

/**
 * The engine calls an exported function and takes what it resolves to as the stack's outputs.
 * A build of exactly these sources (npm run build) skips compiling them on every run: about a
 * second of each preview. Without one, ts-node compiles them here, as before.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = loadPrebuiltOr(__dirname, "programs/index", () => require("./programs") as typeof programs);

export = program.stackProgram;
