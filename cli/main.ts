#!/usr/bin/env node
/** Entry point of the `frostbyte` command (package.json `bin`, built to bin/cli/main.js). */
import { processIo } from "./io";
import { runCli } from "./program";

void runCli(process.argv, processIo()).then((code) => {
  process.exitCode = code;
});
