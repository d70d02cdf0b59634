#!/usr/bin/env node
/**
 * `tam-demo` entry point. Exit codes: 0 after a run, 2 on usage errors (nothing runs then).
 */
import { Command } from "commander";
import { main } from "./main.js";

process.exitCode = await main(new Command("tam-demo"), process.argv.slice(2));
