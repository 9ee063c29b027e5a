import { stackProgram } from "./programs";

// The engine calls an exported function and takes what it resolves to as the stack's outputs.
export = stackProgram;
