#!/usr/bin/env node
/**
 * `tam-harness` entry point. Exit codes: 0 when every check passes, 1 when a check fails, 2 on usage
 * or config errors (nothing runs then).
 */
import { Command } from "commander";
import { main } from "./main.js";

process.exitCode = await main(new Command("tam-harness"), process.argv.slice(2));
