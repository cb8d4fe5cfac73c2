// Locations of the repository and of ../shared, found from the compiled test file's own place,
// so tests work from any dist-* output folder and any working directory.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root above ${start}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
export const SHARED_DIR = resolve(process.env.ESO_GUARD_SHARED_DIR ?? join(REPO_ROOT, '..', 'shared'));
export const REFERENCE_DIR = join(SHARED_DIR, 'reference');
export const SHARED_EXAMPLES_DIR = join(SHARED_DIR, 'examples');
export const OWN_EXAMPLES_DIR = join(REPO_ROOT, 'examples');
