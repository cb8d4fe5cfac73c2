// Runs every compiled test file with node's built-in runner, on the Node that runs this script
// (under `npm test`, the `node` devDependency: npm puts node_modules/.bin first on PATH).
// Usage: node scripts/run-tests.mjs [substring filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

// The dependencies' floor (undici 8: 22.19). Older Node fails deep inside @kubernetes/client-node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`the tests need Node >= 22.19 (package.json engines); this is ${process.version}. Run them with \`npm test\`, which uses the node devDependency (Node 24).`);
  process.exit(2);
}

const root = process.env.TEST_DIST_DIR ?? 'dist/test';
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const files = walk(root)
  .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${root}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
