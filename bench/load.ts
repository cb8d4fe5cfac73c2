// Starts bench/load-worker.js in a child process and returns its figures.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-worker.js';

export type { LoadResult, LoadSpec } from './load-worker.js';

const WORKER = fileURLToPath(new URL('./load-worker.js', import.meta.url));

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  // The bodies can exceed what one argument may hold (10,000 AdmissionReviews): handed over in a file.
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  return new Promise<LoadResult>((resolve, reject) => {
    execFile(process.execPath, [WORKER, `@${file}`], { maxBuffer: 64 * 1024 * 1024, timeout: (spec.durationSeconds + 60) * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`load generator failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  }).finally(() => rmSync(dir, { recursive: true, force: true }));
}
