// What a command reads and writes, and the exit it asks for. The binary passes the process's own
// streams and environment (main.ts); tests run commands in-process with their own (runCli).
import type { Readable } from 'node:stream';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Read for the path `-` (the process's stdin when absent). */
  stdin?: Readable;
  env: Record<string, string | undefined>;
}

/** Set by a command's action: the exit code, and whether the process must exit now (idle keep-alive sockets would hold it open). */
export interface CliExit {
  code: number;
  now: boolean;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
