// Runs the compiled test files with node's built-in runner, on the Node that runs this script
// (under `npm test`, the `node` devDependency: npm puts node_modules/.bin first on PATH).
// Usage: node scripts/run-tests.mjs [--unit] [substring filter ...]
//   --unit: only the unit tests (UNIT_TESTS below), in one process, with no child process, worker
//   or network connection allowed (scripts/unit-guard.mjs): the edit loop, `npm run test:unit`.
//   Without it, the unit tests run that way beside the other files (one process each).
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

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
  'eso/conditions', 'eso/identity', 'eso/mistakes', 'eso/parse', 'eso/path-quirks', 'eso/plan', 'eso/property', 'eso/template-vectors', 'eso/vectors',
  'acl/evaluation', 'acl/policy-parse', 'acl/vectors',
  'checks/auth-mount', 'checks/decide', 'checks/glob', 'checks/kv-mount', 'checks/policy-coverage', 'checks/property',
  'checks/role-binding', 'checks/secret-state', 'checks/template-relevance', 'checks/finding-registry', 'checks/handlers', 'architecture/',
  'cli/check-formats', 'config/', 'server/logging', 'vault/config', 'vault/request-budget', 'kube/store-lookup',
  'fix/manifest-edits', 'fuzz/go-template-fuzz', 'fuzz/policy-parse-fuzz', 'fuzz/property-fuzz',
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

const isUnit = (f) => UNIT_TESTS.some((u) => relative(root, f).startsWith(u));
const files = walk(root)
  .filter((f) => !unit || isUnit(f))
  .filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${root}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
const unitFiles = files.filter(isUnit);
const otherFiles = files.filter((f) => !isUnit(f));

// The unit tests share one process (no start-up per file, about a third of a second each); Node's
// permission model refuses child processes and workers, unit-guard.mjs sockets.
const unitArgs = [
  '--permission', '--allow-fs-read=*', `--allow-fs-write=${tmpdir()}/`,
  '--import', new URL('./unit-guard.mjs', import.meta.url).pathname,
  '--test', '--test-isolation=none', ...unitFiles,
];
// The others one process per file, one file more than cores at once: many wait on timers and
// sockets, so a core would idle at one per core.
const otherArgs = ['--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? availableParallelism() + 1}`, ...otherFiles];

function run(nodeArgs, stdio) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', stdio, stdio] });
    let output = '';
    if (stdio === 'pipe') {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

if (unit || otherFiles.length === 0) {
  process.exit((await run(unitArgs, 'inherit')).code);
}
// Both groups at once; the unit group's report (seconds long) is printed after the other's.
const [units, others] = await Promise.all([unitFiles.length > 0 ? run(unitArgs, 'pipe') : { code: 0, output: '' }, run(otherArgs, 'inherit')]);
if (unitFiles.length > 0) process.stdout.write(`\n# unit tests (${unitFiles.length} files in one process)\n${units.output}`);
process.exit(Math.max(units.code, others.code));
