// Entry point of the `eso-vault-guard` binary: the command line (program.ts) on this process's
// streams and environment.
import { processIo } from './io.js';
import { runCli } from './program.js';

const exit = await runCli(process.argv.slice(2), processIo());
// `serve` keeps running on its servers; the other commands are done.
if (exit.now) process.exit(exit.code);
process.exitCode = exit.code;
