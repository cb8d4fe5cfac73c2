// Locations inside the repository, found from the compiled test file's own place, so tests work
// from any dist-* output folder and any working directory. Nothing outside the repository is read.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
/** Facts from ESO's and Vault's sources and API docs (test/fixtures/reference/README.md names each origin). */
export const REFERENCE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'reference');
/** Every example scenario: manifests, the Vault they talk to, the expected decisions. */
export const OWN_EXAMPLES_DIR = join(REPO_ROOT, 'examples');
