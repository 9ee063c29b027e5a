import type * as programs from "./programs";
import { prebuiltModule } from "./programs/prebuilt";

/**
 * The engine calls an exported function and takes what it resolves to as the stack's outputs.
 * A build of exactly these sources (npm run build) skips compiling them on every run: about a
 * second of each preview. Without one, ts-node compiles them here, as before.
 */
const prebuilt = prebuiltModule(__dirname, "programs/index");
// A module chosen at run time can only be required; both have the type of ./programs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = (prebuilt === undefined ? require("./programs") : require(prebuilt)) as typeof programs;

export = program.stackProgram;
