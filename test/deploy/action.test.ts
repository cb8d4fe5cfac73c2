// action.yml (the GitHub Action): a composite action whose inputs are all used, whose run step calls
// a `check` with flags the CLI has, and whose script, run with bash as the runner would, builds the
// command line it should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';
import { runCommand } from '../support/cli.js';

interface Step { uses?: string; shell?: string; run?: string; id?: string; env?: Record<string, string>; with?: Record<string, unknown> }
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}
const text = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
const action = parse(text) as Action;
const MAIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const checkStep = (): Step => action.runs.steps.find((s) => s.id === 'check')!;

test('action.yml: a composite action with described inputs, every one used, none a secret', () => {
  assert.equal(typeof action.name, 'string');
  assert.equal(typeof action.description, 'string');
  assert.equal(action.runs.using, 'composite');
  assert.deepEqual(Object.keys(action.inputs).sort(), ['args', 'format', 'package', 'paths', 'sarif-file', 'vault-addr']);
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok(input.description.length > 10, `${name} is described`);
    assert.ok(text.includes(`\${{ inputs.${name} }}`), `${name} is used`);
  }
  // The token comes from the job's environment, never an input (inputs show in logs and the file).
  assert.ok(!Object.keys(action.inputs).some((n) => /token|secret|password/i.test(n)));
  // Inputs reach scripts through env, never spliced into the script text (script injection).
  for (const step of action.runs.steps) {
    if (step.run) assert.doesNotMatch(step.run, /\$\{\{/, 'no expression inside a run script');
    if (step.run) assert.equal(step.shell, 'bash', 'composite run steps name their shell');
  }
  assert.ok(action.runs.steps.some((s) => s.uses?.startsWith('actions/setup-node@') && (s.with as { 'node-version'?: unknown })['node-version'] === 24));
});

test('action.yml: the command it runs is `check` with flags and formats the CLI has', async () => {
  const help = await runCommand(['check', '--help']);
  assert.equal(help.code, 0, help.stderr);
  const run = checkStep().run!;
  assert.match(run, /args=\(check /);
  for (const flag of run.match(/--[a-z][a-z-]+/g) ?? []) assert.ok(help.stdout.includes(flag), `check has ${flag}`);
  for (const format of ['github', 'sarif']) assert.match(help.stdout, new RegExp(`"${format}"`));
  const bin = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['eso-vault-guard'];
  const install = action.runs.steps.find((s) => s.run?.includes('GUARD_BIN='))!.run!;
  assert.ok(install.includes(`$ACTION_PATH/${bin}`), 'the built checkout runs the package bin');
  assert.ok(install.includes('node_modules/.bin/eso-vault-guard'), 'an installed package runs its bin link');
});

/** The check step's script under bash, as the runner runs it (asynchronously: several at once). */
function runCheckStep(env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'evg-action-'));
  const output = join(dir, 'github-output');
  writeFileSync(output, '');
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', checkStep().run!], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `${process.execPath.replace(/\/[^/]+$/, '')}:${process.env.PATH ?? ''}`, GUARD_BIN: MAIN, GITHUB_OUTPUT: output, INPUT_SARIF_FILE: join(dir, 'out.sarif'), INPUT_ARGS: '', INPUT_VAULT_ADDR: '', ...env },
    }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ status: err ? (err.code as number) : 0, stdout, stderr, output: readFileSync(output, 'utf8') });
    });
  });
}

test('action.yml: its check step runs check on the paths, writes SARIF and names the file as an output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evg-action-in-'));
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.json');
  writeFileSync(a, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
  writeFileSync(b, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}');
  const sarif = join(dir, 'report.sarif');
  const [res, text, github, bad] = await Promise.all([
    runCheckStep({ INPUT_PATHS: `${a}\n${b}\n`, INPUT_FORMAT: 'sarif', INPUT_SARIF_FILE: sarif, INPUT_VAULT_ADDR: 'https://vault.example.com:8200', INPUT_ARGS: '--namespace team-a' }),
    runCheckStep({ INPUT_PATHS: `${a}\n${b}\n`, INPUT_FORMAT: 'github' }),
    runCheckStep({ INPUT_PATHS: a, INPUT_FORMAT: 'github' }),
    runCheckStep({ INPUT_PATHS: a, INPUT_FORMAT: 'junit' }),
  ]);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.output.trim(), `sarif-file=${sarif}`);
  assert.equal((JSON.parse(readFileSync(sarif, 'utf8')) as { version: string }).version, '2.1.0');
  // Both paths were read (a block scalar's lines): the ConfigMaps are counted as skipped objects.
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout + text.stderr, /2 skipped/);
  assert.equal(github.status, 0, github.stderr);
  assert.equal(bad.status, 2);
  assert.match(bad.stdout, /::error::format must be github or sarif/);
});
