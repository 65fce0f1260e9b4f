/** Offline mode's facts and its `frostbyte:offline` config (an addition to DESIGN §8). */
export * from "./config";
export * from "./stores";
