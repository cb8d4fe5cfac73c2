// Starts bench/load-worker.js in a child process and returns its figures.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-worker.js';

export type { LoadResult, LoadSpec } from './load-worker.js';

const WORKER = fileURLToPath(new URL('./load-worker.js', import.meta.url));

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WORKER, JSON.stringify(spec)], { maxBuffer: 64 * 1024 * 1024, timeout: (spec.durationSeconds + 60) * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`load generator failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}
