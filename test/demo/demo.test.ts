// README's first command: `demo` replays every example through the real webhook over HTTPS and
// prints what kubectl would. The compiled CLI runs as a child process, as `npm run demo` runs it; its
// output is read back object by object against each folder's manifests.yaml and expected.json, no
// secret value of the embedded Vault may appear in it, and the transcripts in docs/demo.md and
// README are what it printed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, OWN_EXAMPLES_DIR } from '../support/paths.js';
import { FINDING_CODES, shownToAuthor } from '../../src/checks/finding-codes.js';
import { exampleNames, loadExpected, loadManifests, type Obj } from '../support/examples.js';
import { runCommand } from '../support/cli.js';

/** This file runs from <dist>/test/demo/, so the CLI built by the same tsc run is <dist>/src/cli/main.js. */
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Generous: the whole demo takes about a second; a hang (an open handle) is what this bound catches. */
const EXIT_BOUND_MS = 60_000;


/** What kubectl printed for one object: its `Warning:` lines and either `created` or a denial. */
interface Block {
  lines: string[];
  outcome: 'created' | 'denied';
}

const ESO_KINDS = new Set(['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret', 'ClusterExternalSecret', 'ClusterPushSecret']);
/** kubectl's resource names, written out here so the test does not reuse the demo's own table. */
const RESOURCE: Record<string, string> = {
  Namespace: 'namespace',
  ExternalSecret: 'externalsecret.external-secrets.io',
  SecretStore: 'secretstore.external-secrets.io',
  ClusterSecretStore: 'clustersecretstore.external-secrets.io',
  PushSecret: 'pushsecret.external-secrets.io',
  ClusterExternalSecret: 'clusterexternalsecret.external-secrets.io',
  ClusterPushSecret: 'clusterpushsecret.external-secrets.io',
};

/** Every example the demo replays (it replays the folders with a manifests.yaml and a vault-state.json; all have an expected.json). */
const folders = exampleNames;

const manifests = (folder: string): Obj[] => loadManifests(join(OWN_EXAMPLES_DIR, folder));

function meta(obj: Obj): { kind: string; name: string; namespace: string | null } {
  const m = (obj['metadata'] ?? {}) as { name?: unknown; namespace?: unknown };
  return { kind: String(obj['kind']), name: String(m.name), namespace: typeof m.namespace === 'string' ? m.namespace : null };
}

/** The name the API server quotes in a denial: the validating webhook of deploy/base/webhooks.yaml. */
function validatingWebhookName(): string {
  const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/base/webhooks.yaml'), 'utf8')).map((d) => d.toJS() as Obj);
  const config = docs.find((d) => d['kind'] === 'ValidatingWebhookConfiguration') as { webhooks: { name: string }[] } | undefined;
  assert.ok(config, 'deploy/base/webhooks.yaml has a ValidatingWebhookConfiguration');
  return config.webhooks[0]!.name;
}

/** Codes the registry keeps from the object's author (operator-only: counted and logged). */
function hiddenCodes(): Set<string> {
  return new Set(FINDING_CODES.filter((c) => !shownToAuthor(c)));
}

/** The lines between `$ kubectl apply -f examples/<folder>/manifests.yaml` and the next blank line. */
function section(stdout: string, folder: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.indexOf(`$ kubectl apply -f examples/${folder}/manifests.yaml`);
  assert.ok(start >= 0, `${folder} is replayed`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const CREATED = /^[a-z.-]+\/\S+ created$/;

/** Cuts a section into per-object blocks; a denial's message may span several lines. */
function blocks(lines: string[]): Block[] {
  const out: Block[] = [];
  let current: string[] = [];
  let denied = false;
  const close = (outcome: Block['outcome']) => {
    out.push({ lines: current, outcome });
    current = [];
    denied = false;
  };
  for (const line of lines) {
    const startsNext = line.startsWith('Warning: ') || line.startsWith('Error from server') || CREATED.test(line);
    if (denied && startsNext) close('denied');
    current.push(line);
    if (line.startsWith('Error from server')) denied = true;
    else if (!denied && CREATED.test(line)) close('created');
    else if (!denied && !line.startsWith('Warning: ')) assert.fail(`unexpected line in kubectl output: ${line}`);
  }
  if (denied) close('denied');
  assert.equal(current.length, 0, `warnings without an outcome: ${current.join(' / ')}`);
  return out;
}

/** `[Code]` at the start of a denial's finding line or of a warning. */
function codesIn(block: Block): Set<string> {
  return new Set([...block.lines.join('\n').matchAll(/(?:^|Warning: )\[(\w+)\]/gm)].map((m) => m[1]!));
}

/**
 * Every leaf string of every KV version's data in every vault-state.json, except the few that are
 * also names in the public manifests (e.g. username "app" vs key "app/db"), which the demo prints
 * legitimately.
 */
function secretValues(): string[] {
  const manifestsText = folders().map((f) => readFileSync(join(OWN_EXAMPLES_DIR, f, 'manifests.yaml'), 'utf8')).join('\n');
  const values = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') values.add(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const folder of folders()) {
    const state = JSON.parse(readFileSync(join(OWN_EXAMPLES_DIR, folder, 'vault-state.json'), 'utf8')) as { secrets?: Record<string, { versions?: { data?: unknown }[] }> };
    for (const secret of Object.values(state.secrets ?? {})) for (const version of secret.versions ?? []) walk(version.data);
  }
  return [...values].filter((v) => !manifestsText.includes(v));
}

let run: SpawnSyncReturns<string>;
let elapsedMs = 0;

before(() => {
  const started = Date.now();
  // Piped stdout (not a TTY) and no NO_COLOR: the demo must choose plain text by itself.
  const env = { ...process.env };
  delete env['NO_COLOR'];
  delete env['FORCE_COLOR'];
  run = spawnSync(process.execPath, [MAIN, 'demo'], { encoding: 'utf8', timeout: EXIT_BOUND_MS, env });
  elapsedMs = Date.now() - started;
});

test('demo: the CLI exits 0 by itself within the bound, in plain text when stdout is not a terminal', () => {
  assert.equal(run.error, undefined, `demo did not exit within ${EXIT_BOUND_MS} ms (${String(run.error)})`);
  assert.equal(run.signal, null);
  assert.equal(run.status, 0, run.stderr);
  assert.ok(elapsedMs < EXIT_BOUND_MS);
  assert.equal(run.stderr, '');
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(run.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
});

test('demo: every object of every examples/*/manifests.yaml is printed in file order, as kubectl prints it', () => {
  const webhook = validatingWebhookName();
  assert.ok(folders().length >= 3);
  for (const folder of folders()) {
    const objects = manifests(folder);
    const printed = blocks(section(run.stdout, folder));
    assert.equal(printed.length, objects.length, `${folder}: one kubectl answer per object`);
    objects.forEach((obj, i) => {
      const { kind, name, namespace } = meta(obj);
      const block = printed[i]!;
      const last = block.lines.at(-1)!;
      if (block.outcome === 'created') {
        assert.equal(last, `${RESOURCE[kind]}/${name} created`, `${folder}: object ${i + 1}`);
        return;
      }
      assert.ok(ESO_KINDS.has(kind), `${folder}: ${kind} ${name} is not sent to the webhook, so never denied`);
      const error = block.lines.find((l) => l.startsWith('Error from server'))!;
      const prefix = `Error from server (Forbidden): error when creating "examples/${folder}/manifests.yaml": admission webhook "${webhook}" denied the request: `;
      assert.ok(error.startsWith(prefix), `${folder}: ${error}`);
      const qualified = namespace ? `${namespace}/${name}` : name;
      assert.ok(block.lines.join('\n').includes(qualified), `${folder}: the denial of object ${i + 1} names ${kind} ${qualified}`);
    });
  }
});

test('demo: each object is created or denied as expected.json says, with its codes as [Code]', () => {
  const hidden = hiddenCodes();
  assert.ok(hidden.has('StoreOutOfScope'), 'the registry marks StoreOutOfScope as not shown');
  for (const folder of folders()) {
    const expected = loadExpected(join(OWN_EXAMPLES_DIR, folder));
    const objects = manifests(folder).map(meta);
    const printed = blocks(section(run.stdout, folder));
    for (const e of expected) {
      const at = objects.findIndex((o) => o.kind === e.kind && o.name === e.name && o.namespace === e.namespace);
      const label = `${folder}: ${e.kind} ${e.namespace ?? ''}/${e.name}`;
      assert.ok(at >= 0, `${label} is in manifests.yaml`);
      const block = printed[at]!;
      assert.equal(block.outcome === 'denied' ? 'deny' : 'allow', e.decision, label);
      assert.deepEqual([...codesIn(block)].sort(), [...new Set(e.codes.filter((c) => !hidden.has(c)))].sort(), `${label}: ${block.lines.join(' / ')}`);
    }
    // An object expected.json does not list is admitted with nothing to say.
    objects.forEach((o, i) => {
      if (expected.some((e) => e.kind === o.kind && e.name === o.name && e.namespace === o.namespace)) return;
      assert.deepEqual(printed[i]!.lines, [`${RESOURCE[o.kind]}/${o.name} created`], `${folder}: ${o.kind} ${o.name}`);
    });
  }
});

test('demo: the summary line counts what was printed', () => {
  const all = folders().flatMap((f) => {
    const objects = manifests(f);
    return blocks(section(run.stdout, f)).filter((_, i) => ESO_KINDS.has(String(objects[i]!['kind'])));
  });
  const m = /^(\d+) (?:ESO )?objects: (\d+) created, (\d+) (?:created )?with warnings, (\d+) denied\.?$/m.exec(run.stdout);
  assert.ok(m, 'a summary line');
  const denied = all.filter((b) => b.outcome === 'denied').length;
  const warned = all.filter((b) => b.outcome === 'created' && b.lines.length > 1).length;
  assert.deepEqual(m.slice(1).map(Number), [all.length, all.length - denied - warned, warned, denied]);
  assert.ok(denied > 0 && warned > 0, 'the examples show denials and warnings');
});

test('demo: no secret value from any vault-state.json is printed', () => {
  const values = secretValues();
  assert.ok(values.length >= 15, `enough values to check (${values.length})`);
  for (const value of values) assert.ok(!run.stdout.includes(value) && !run.stderr.includes(value), `a secret value (${value.length} chars) was printed`);
});

/** The console block after `$ npm run demo` in a Markdown page. */
function demoBlock(page: string): string[] {
  const start = page.indexOf('$ npm run demo\n');
  assert.ok(start >= 0, 'a `$ npm run demo` transcript');
  const body = page.slice(start + '$ npm run demo\n'.length);
  return body.slice(0, body.indexOf('```')).replace(/\n$/, '').split('\n');
}

test('docs/demo.md shows the full demo transcript, and README an excerpt of it, exactly as the demo prints', () => {
  const lines = run.stdout.replace(/\n$/, '').split('\n');
  const page = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
  assert.deepEqual(demoBlock(page('docs/demo.md')), lines, 'regenerate the transcript with `NO_COLOR=1 npm run demo`');
  // README: runs of lines from the transcript, in order, separated by "…".
  let at = 0;
  let gap = false;
  for (const line of demoBlock(page('README.md'))) {
    if (line === '…') {
      gap = true;
      continue;
    }
    const found = gap ? lines.indexOf(line, at) : lines[at] === line ? at : -1;
    assert.ok(found >= at, `README's demo excerpt differs from the transcript at: ${line}`);
    at = found + 1;
    gap = false;
  }
});

test('demo --example runs one folder; an unknown one exits 2 naming the choices', async () => {
  const one = await runCommand(['demo', '--example', 'classic-mistakes']);
  assert.equal(one.code, 0, one.stderr);
  assert.ok(one.stdout.includes('$ kubectl apply -f examples/classic-mistakes/manifests.yaml'));
  for (const other of folders().filter((f) => f !== 'classic-mistakes')) assert.ok(!one.stdout.includes(`examples/${other}/`), other);
  assert.equal(blocks(section(one.stdout, 'classic-mistakes')).length, manifests('classic-mistakes').length);
  const bad = await runCommand(['demo', '--example', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no example "nope"; choose one of: .*classic-mistakes/);
});
