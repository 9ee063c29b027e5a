export * from "./lifecycle";
export * from "./naming";
export * from "./plans";
export * from "./registry";
export * from "./types";
export * from "./validation";
