// CLI conventions of kubeconform and kubectl, through the compiled CLI: `kind: List` unwrapped,
// directories with *.json, several paths and stdin for every command, "no manifests found",
// skipped objects counted and listed, usage errors exit 2, -o, --quiet, --no-color, and GitHub
// annotation paths relative to the working directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { parseAllDocuments, stringify } from 'yaml';
import { runCheck } from '../../src/cli/check/check-run.js';
import { checkOptions } from '../../src/cli/check/options.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { runCli, runCliProcess, seededVault, type JsonReport } from './check-support.js';
import { runCommand, runCommandProcess } from '../support/cli.js';

const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');
const KV_DEV_ERRORS = ['postgres-credentials-typo:PropertyNotFound', 'redis-credentials:SecretNotFound'];
const kvDevObjects = () => parseAllDocuments(readFileSync(join(KV_DEV, 'manifests.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

const errorCodes = (report: JsonReport) => report.findings.filter((f) => f.severity === 'error').map((f) => `${f.resource.name}:${f.code}`).sort();
const tempDir = () => mkdtempSync(join(tmpdir(), 'cli-conventions-'));

async function cli(args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runCommand(args, { input });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'myapp' }, spec: {} };
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'myapp' } };
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'myapp' }, data: {} };

test('check: a kind: List (kubectl get -o yaml) is checked item by item, findings at the item\'s lines', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const dir = tempDir();
    const file = join(dir, 'list.yaml');
    writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: kvDevObjects() }));
    const r = await runCli([file, '--config', vault.configFile, '--allow-insecure-http', '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(errorCodes(JSON.parse(r.stdout) as JsonReport), KV_DEV_ERRORS);
    const github = await runCli([file, '--config', vault.configFile, '--allow-insecure-http', '--format', 'github']);
    const lines = readFileSync(file, 'utf8').split('\n');
    const typo = /^::error file=[^,]+,line=(\d+),title=\[PropertyNotFound\]/m.exec(github.stdout);
    assert.ok(typo, github.stdout);
    assert.match(lines[Number(typo[1]) - 1]!, /property:/, 'the annotation points at the property inside the List item');
  } finally {
    await vault.close();
  }
});

test('check: directories recurse into *.json, several paths and - (stdin) combine; skipped objects are counted and listed', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const dir = tempDir();
    mkdirSync(join(dir, 'nested'));
    const [store, ...rest] = kvDevObjects();
    writeFileSync(join(dir, 'nested', 'store.json'), JSON.stringify(store));
    writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
    // The Namespace is used (its labels), so it is not counted as skipped.
    writeFileSync(join(dir, 'apps.yml'), [NAMESPACE, DEPLOYMENT, CONFIG_MAP, CONFIG_MAP].map((o) => stringify(o)).join('---\n'));
    const stdin = rest.map((o) => stringify(o)).join('---\n');
    const json = await runCli([dir, '-', '--config', vault.configFile, '--allow-insecure-http', '-o', 'json'], { input: stdin });
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as JsonReport & { skipped: NonNullable<JsonReport['skipped']> };
    assert.deepEqual(errorCodes(report), KV_DEV_ERRORS, 'the store came from nested/store.json, the ExternalSecrets from stdin');
    assert.deepEqual(report.skipped.map((s) => `${s.kind} ${s.apiVersion} ${s.name}`), ['Deployment apps/v1 web', 'ConfigMap v1 settings', 'ConfigMap v1 settings']);
    assert.ok(report.skipped.every((s) => s.file === join(dir, 'apps.yml') && s.reason.length > 0));
    const text = await runCli([dir, '-', '--config', vault.configFile, '--allow-insecure-http'], { input: stdin });
    assert.match(text.stdout, /^3 objects skipped \(not checked\): Deployment apps\/v1, ConfigMap v1 ×2$/m);
    assert.match(text.stdout, /^4 objects checked: 2 errors, 0 warnings, 1 info$/m);
  } finally {
    await vault.close();
  }
});

test('an ExternalSecret of an ESO version the checks do not model is skipped, saying why', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const old = { ...kvDevObjects()[1]!, apiVersion: 'external-secrets.io/v1alpha1' };
    const r = await runCli(['-', '--config', vault.configFile, '--allow-insecure-http', '-o', 'json'], { input: stringify(old) });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { skipped: { reason: string }[] };
    assert.match(report.skipped[0]!.reason, /external-secrets\.io\/v1alpha1 is not checked/);
  } finally {
    await vault.close();
  }
});

test('no manifests at all: check and explain say "no manifests found" and exit 2', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'README.md'), '# nothing to check');
  for (const command of [['check'], ['explain', '--offline']]) {
    const empty = await cli([...command, dir]);
    assert.equal(empty.status, 2, `${command[0]}: ${empty.stderr}`);
    assert.match(empty.stderr, /no manifests found in .*\(no \*\.yaml, \*\.yml or \*\.json files\)/);
    const stdin = await cli([...command, '-'], '# only a comment\n---\n');
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /no manifests found in -/);
  }
});

test('explain: several paths, stdin and a kind: List together', async () => {
  const [store, ...rest] = kvDevObjects();
  const dir = tempDir();
  writeFileSync(join(dir, 'store.json'), JSON.stringify(store));
  const list = stringify({ apiVersion: 'v1', kind: 'List', items: rest });
  const r = await cli(['explain', '--offline', join(dir, 'store.json'), '-', '-o', 'json'], list);
  assert.equal(r.status, 0, r.stderr);
  const entries = JSON.parse(r.stdout) as { resource: { kind: string; name: string }; store: { name: string } | null }[];
  const typo = entries.find((e) => e.resource.name === 'postgres-credentials-typo');
  assert.equal(typo?.store?.name, 'vault-backend', 'the ExternalSecret from the List on stdin resolved the store from the JSON file');
});

test('usage errors exit 2 everywhere: unknown command, unknown flag, missing argument; help exits 0', async () => {
  const cases: string[][] = [
    ['no-such-command'],
    ['explain'],
    ['explain', '--offline'],
    ['explain', '--bogus', 'x.yaml'],
    ['explain', 'x.yaml'],
    ['serve', '--bogus'],
    ['serve', 'extra-argument'],
    ['check'],
    ['check', '--format', 'xml', 'x.yaml'],
    ['policy-eval', '--policy', 'a=b.hcl'],
    ['demo', '--bogus'],
    ['fix'],
    ['fix', '--bogus', 'x.yaml'],
    ['fix', 'no-such-file.yaml'],
    [],
  ];
  for (const args of cases) assert.equal((await cli(args)).status, 2, `eso-vault-guard ${args.join(' ')}`);
  for (const args of [['--help'], ['check', '--help'], ['explain', '--help'], ['fix', '--help'], ['--version']]) assert.equal((await cli(args)).status, 0, args.join(' '));
});

test('fix --help says what it changes and shares check\'s Vault flags', async () => {
  const help = (await cli(['fix', '--help'])).stdout.replace(/\s+/g, ' ');
  assert.match(help, /Apply the certain fixes of check's findings/);
  assert.match(help, /--write change the files in place/);
  assert.match(help, /--vault-addr <url>/);
  assert.match(help, /--offline/);
});

test('the binary exits with the code the command line gives: 0 help, 1 denied, 2 usage error', async () => {
  // The process itself, once: the in-process runs above go through the same program (src/cli/program.ts).
  // The three processes at once: each spends most of its time loading.
  const binary = (args: string[]) => runCommandProcess(args, { env: { NO_COLOR: undefined } });
  const [help, denied, usage] = await Promise.all([
    binary(['--help']),
    binary(['policy-eval', '--no-default-policy', '--path', 'kv/data/app', '--operation', 'read']),
    binary(['no-such-command']),
  ]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: eso-vault-guard/);
  assert.equal(denied.code, 1, denied.stderr);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown command 'no-such-command'/);
});

test('check --help says what --fail-open, --quiet, --no-color and -o do', async () => {
  const help = (await cli(['check', '--help'])).stdout.replace(/\s+/g, ' ');
  assert.match(help, /--fail-open when an object cannot be checked \(Vault unreachable, sealed or slow, no login for its server\), print a warning on stderr and exit with the findings' code \(0 or 1\) instead of 2/);
  assert.match(help, /-q, --quiet print error findings only/);
  assert.match(help, /--no-color no colour/);
  assert.match(help, /-o, --format <format>/);
});

/** A stdout that says it is a terminal, so colour is on unless something turns it off. */
function terminal(): Writable & { isTTY: boolean; text: () => string } {
  let out = '';
  const w = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } }) as Writable & { isTTY: boolean; text: () => string };
  w.isTTY = true;
  w.text = () => out;
  return w;
}

test('--quiet prints errors only; --no-color and NO_COLOR turn colour off on a terminal', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const input = join(KV_DEV, 'manifests.yaml');
    const run = async (raw: Record<string, unknown>, env: Record<string, string> = {}) => {
      const stdout = terminal();
      const code = await runCheck([input], checkOptions({ config: vault.configFile, allowInsecureHttp: true, ...raw }, {}), { stdout, stderr: new Writable({ write: (_c, _e, d) => d() }), stdin: Readable.from(['']), env });
      return { code, out: stdout.text() };
    };
    const coloured = await run({});
    assert.equal(coloured.code, 1);
    assert.ok(coloured.out.includes('\u001b['), 'colour on a terminal by default');
    assert.ok(!(await run({ color: false })).out.includes('\u001b['), '--no-color');
    assert.ok(!(await run({}, { NO_COLOR: '1' })).out.includes('\u001b['), 'NO_COLOR');
    const quiet = await run({ quiet: true, color: false });
    assert.equal(quiet.code, 1, 'the exit code still counts every finding');
    assert.deepEqual(quiet.out.split('\n').filter((l) => /^\s+(error|warning|info) \[/.test(l)).map((l) => l.trim().split(' ')[0]), ['error', 'error']);
    assert.doesNotMatch(quiet.out, /objects checked/);
    const jsonQuiet = JSON.parse((await run({ quiet: true, format: 'json' })).out) as JsonReport;
    assert.ok(jsonQuiet.findings.every((f) => f.severity === 'error'));
  } finally {
    await vault.close();
  }
});

test('--format github: file paths relative to the working directory, as in SARIF', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const absolute = join(KV_DEV, 'manifests.yaml');
    const r = await runCliProcess([absolute, '--config', vault.configFile, '--allow-insecure-http', '--format', 'github'], { cwd: OWN_EXAMPLES_DIR });
    assert.equal(r.code, 1, r.stderr);
    const files = [...r.stdout.matchAll(/^::\w+ file=([^,]+),/gm)].map((m) => m[1]);
    assert.ok(files.length > 0);
    assert.deepEqual([...new Set(files)], ['kv-dev-kubernetes-auth/manifests.yaml']);
  } finally {
    await vault.close();
  }
});
