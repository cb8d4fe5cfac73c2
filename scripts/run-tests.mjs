// Runs the compiled test files with node's built-in runner, on the Node that runs this script
// (under `npm test`, the `node` devDependency: npm puts node_modules/.bin first on PATH).
// Usage: node scripts/run-tests.mjs [--unit] [substring filter ...]
//   --unit: only the unit tests (UNIT_TESTS below), in one process, with no child process, worker
//   or network connection allowed (scripts/unit-guard.mjs): the edit loop, `npm run test:unit`.
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

// The dependencies' floor (undici 8: 22.19). Older Node fails deep inside @kubernetes/client-node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`the tests need Node >= 22.19 (package.json engines); this is ${process.version}. Run them with \`npm test\`, which uses the node devDependency (Node 24).`);
  process.exit(2);
}

/**
 * The pure modules' tests (ESO model, ACL engine, rules, messages, config): no network, no child
 * process. A test here that opens a connection or spawns a process fails under --unit.
 */
const UNIT_TESTS = [
  'eso/conditions', 'eso/identity', 'eso/mistakes', 'eso/parse', 'eso/path-quirks', 'eso/plan', 'eso/property', 'eso/vectors',
  'acl/evaluation', 'acl/policy-parse', 'acl/vectors',
  'checks/auth-mount', 'checks/decide', 'checks/glob', 'checks/kv-mount', 'checks/policy-coverage', 'checks/property',
  'checks/role-binding', 'checks/secret-state', 'checks/template-relevance',
  'cli/check-formats', 'config/', 'server/config', 'server/logging', 'vault/config', 'vault/request-budget', 'kube/store-lookup',
  'fix/manifest-edits', 'fuzz/policy-parse-fuzz', 'fuzz/property-fuzz',
].map((name) => (name.endsWith('/') ? name : `${name}.test.js`));

const root = process.env.TEST_DIST_DIR ?? 'dist/test';
const args = process.argv.slice(2);
const unit = args.includes('--unit');
const filters = args.filter((a) => a !== '--unit');

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
  .filter((f) => !unit || UNIT_TESTS.some((u) => relative(root, f).startsWith(u)))
  .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${root}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const nodeArgs = unit
  ? [
      // One process for all (no start-up per file); Node's permission model refuses child processes and workers.
      '--permission', '--allow-fs-read=*', `--allow-fs-write=${tmpdir()}/`,
      '--import', new URL('./unit-guard.mjs', import.meta.url).pathname,
      '--test', '--test-isolation=none', ...files,
    ]
  : // One file more than cores: many files wait on timers and sockets, so a core would idle at one per core.
    ['--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? availableParallelism() + 1}`, ...files];
const result = spawnSync(process.execPath, nodeArgs, { stdio: 'inherit' });
process.exit(result.status ?? 1);
