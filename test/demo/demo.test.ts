// README's first command: `demo` replays every example through the real webhook over HTTPS and
// prints what kubectl would. Each object's outcome must match the folder's expected.json, and no
// secret value of the embedded Vault may appear in what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleFolders, runDemo, EXAMPLES_DIR, type DemoOutcome } from '../../demo/run-demo.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Expected {
  kind: string;
  namespace: string | null;
  name: string;
  decision: 'allow' | 'deny';
  codes: string[];
}

/** Every leaf string of every secret version in a vault-state.json. */
function secretValues(folder: string): string[] {
  const state = JSON.parse(readFileSync(join(EXAMPLES_DIR, folder, 'vault-state.json'), 'utf8')) as { secrets?: Record<string, { versions?: { data?: unknown }[] }> };
  const values: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') values.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const secret of Object.values(state.secrets ?? {})) for (const version of secret.versions ?? []) walk(version.data);
  // Short or common words (e.g. "info", "api") may appear in prose for other reasons.
  return values.filter((v) => v.length >= 8);
}

test('demo: every example object is created, warned or denied as expected.json says', async () => {
  const lines: string[] = [];
  const outcomes = await runDemo(exampleFolders(), { line: (text) => lines.push(text) });
  assert.ok(exampleFolders().length >= 3);
  for (const folder of exampleFolders()) {
    const expected = JSON.parse(readFileSync(join(EXAMPLES_DIR, folder, 'expected.json'), 'utf8')) as Expected[];
    const mine = outcomes.filter((o) => o.folder === folder);
    const find = (e: Expected): DemoOutcome | undefined => mine.find((o) => o.kind === e.kind && o.name === e.name && (o.namespace ?? null) === e.namespace);
    for (const e of expected) {
      const o = find(e);
      assert.ok(o, `${folder}: ${e.kind} ${e.namespace ?? ''}/${e.name} is replayed`);
      assert.equal(o.outcome === 'denied' ? 'deny' : 'allow', e.decision, `${folder}: ${e.kind} ${e.namespace ?? ''}/${e.name}`);
    }
    // Objects not listed in expected.json must be admitted.
    for (const o of mine) if (!expected.some((e) => find(e) === o)) assert.notEqual(o.outcome, 'denied', `${folder}: ${o.kind} ${o.namespace ?? ''}/${o.name}`);
  }
  const text = lines.join('\n');
  assert.match(text, /^Error from server \(Forbidden\): error when creating "examples\/[^"]+\/manifests\.yaml": admission webhook "validate\.eso-vault-guard\.io" denied the request: /m);
  assert.match(text, /^Warning: \[Defaulted\] /m);
  assert.match(text, /^externalsecret\.external-secrets\.io\/api-db created$/m);
  assert.match(text, /^\d+ ESO objects: \d+ created, \d+ created with warnings, \d+ denied\.$/m);
});

test('demo: the CLI exits 0 by itself, prints every folder, and no secret value', () => {
  const res = spawnSync(process.execPath, [MAIN, 'demo'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(res.status, 0, res.stderr);
  for (const folder of exampleFolders()) assert.ok(res.stdout.includes(`$ kubectl apply -f examples/${folder}/manifests.yaml`), folder);
  for (const folder of exampleFolders()) {
    for (const value of secretValues(folder)) assert.ok(!res.stdout.includes(value), `secret value of ${folder} printed`);
  }
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(res.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
});

test('demo --example runs one folder; an unknown one exits 2 naming the choices', () => {
  const one = spawnSync(process.execPath, [MAIN, 'demo', '--example', 'classic-mistakes'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(one.status, 0, one.stderr);
  assert.ok(one.stdout.includes('examples/classic-mistakes/manifests.yaml'));
  assert.ok(!one.stdout.includes('examples/platform-team-templated/manifests.yaml'));
  const bad = spawnSync(process.execPath, [MAIN, 'demo', '--example', 'nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no example "nope"; choose one of: .*classic-mistakes/);
});
