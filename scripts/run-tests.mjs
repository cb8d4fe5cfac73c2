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
// The others in LANES processes, each running its share of the files one after another in one
// process (--test-isolation=none, as the unit set does): a process per file spent ~0.5 s of CPU each
// on loading the product and its dependencies (@kubernetes/client-node alone 0.35 s), a third of the
// suite's CPU. Tests that need a process of their own (the binary's exit codes, signals, a heap
// limit) spawn it themselves. Lanes are more than cores: many tests wait on timers and sockets.
// In a lane every file is imported before the first test runs, so a file's top-level before/after
// hooks run at the start and end of its lane (top-level beforeEach/afterEach would apply to the
// whole lane: put them inside a describe).
const lanes = Math.max(1, Number(process.env.TEST_LANES ?? availableParallelism() * 2));
/**
 * Files that run in a process of their own, beside the lanes: the bench harness measures its own
 * process (CPU per request, Vault round trips counted from the process's activity), and is the
 * longest file.
 */
const OWN_PROCESS = ['bench/bench-smoke.test.js'];
const ownProcess = (f) => OWN_PROCESS.includes(relative(root, f));
// How long the slow files take in a lane, in median files (measured on a busy machine; the median
// file took about a second): only to balance the lanes, so a stale figure costs balance, never a result.
const SLOW_FILES = {
  'cli/check-large-input.test.js': 14, 'security/object-budget.test.js': 13, 'cli/cli-conventions.test.js': 10,
  'server/cli.test.js': 8, 'kube/informers.test.js': 7, 'deploy/action.test.js': 6, 'audit/drift.test.js': 6,
  'demo/demo.test.js': 6, 'serve/runtime.test.js': 6, 'cli/policy-suggest.test.js': 5, 'checks/examples.test.js': 5,
  'contract/replay.test.js': 5, 'cli/check-examples.test.js': 5, 'audit/leader.test.js': 5, 'docs/examples.test.js': 5,
  'demo/sandbox-serve.test.js': 4, 'security/check-credentials.test.js': 4, 'cli/impact-examples.test.js': 4,
  'security/vault-answers.test.js': 4, 'fix/fix-command.test.js': 3, 'faults/vault-flapping.test.js': 3,
  'deploy/manifests.test.js': 3, 'eso-coverage/templates.test.js': 3, 'eso-coverage/push-source.test.js': 3,
  'eso-coverage/client-jwt.test.js': 3, 'checks/engine.test.js': 3, 'deploy/package.test.js': 3,
};
const weight = (f) => SLOW_FILES[relative(root, f)] ?? 1;

/** Longest first, each file to the least loaded lane. */
function intoLanes(list, count) {
  const out = Array.from({ length: Math.min(count, list.length) }, () => ({ files: [], load: 0 }));
  for (const f of [...list].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const lane = out.reduce((min, l) => (l.load < min.load ? l : min));
    lane.files.push(f);
    lane.load += weight(f);
  }
  return out.map((l) => l.files.sort());
}
const laneArgs = (laneFiles) => ['--test', '--test-isolation=none', '--test-reporter=spec', ...laneFiles];

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
// The unit group and the lanes at once; each group's report is printed as it finishes.
const groups = [
  ...(unitFiles.length > 0 ? [{ name: `unit tests (${unitFiles.length} files in one process)`, args: unitArgs }] : []),
  ...otherFiles.filter(ownProcess).map((f) => ({ name: relative(root, f), args: laneArgs([f]) })),
  ...intoLanes(otherFiles.filter((f) => !ownProcess(f)), lanes).map((laneFiles, i, all) => ({ name: `lane ${i + 1} of ${all.length} (${laneFiles.length} file${laneFiles.length === 1 ? '' : 's'})`, args: laneArgs(laneFiles) })),
];
const results = await Promise.all(groups.map(async (g) => {
  const r = await run(g.args, 'pipe');
  process.stdout.write(`\n# ${g.name}\n${r.output}`);
  return r;
}));
// One summary for all groups (each printed its own ℹ lines).
const total = (key) => results.reduce((sum, r) => sum + Number(new RegExp(`^ℹ ${key} (\\d+)`, 'm').exec(r.output)?.[1] ?? 0), 0);
process.stdout.write(`\n# all: ${total('tests')} tests, ${total('pass')} passed, ${total('fail')} failed, ${total('skipped')} skipped, ${total('cancelled')} cancelled\n`);
process.exit(Math.max(...results.map((r) => r.code)));
