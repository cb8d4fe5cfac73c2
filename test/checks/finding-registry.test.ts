// The registry of finding codes (src/checks/finding-codes.ts) is the one place a code is declared:
// every code the product can emit has an entry with docs text, and the tables written by hand
// (examples/README.md, every expected.json) name only registered codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CODES, FINDING_REGISTRY, findingSpec, isFindingCode, severityText } from '../../src/checks/finding-codes.js';
import { REPO_ROOT } from '../support/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

test('every registry entry has a severity, a summary, an example and how to fix it', () => {
  for (const code of FINDING_CODES) {
    const spec = findingSpec(code);
    assert.ok(['error', 'warning', 'info'].includes(spec.severity), code);
    for (const text of [spec.summary, spec.example, spec.fix]) assert.match(text, /\S{3}/, `${code}: docs text`);
    assert.ok(spec.summary.length <= 400, `${code}: the summary is one line`);
  }
  assert.equal(new Set(FINDING_CODES).size, FINDING_CODES.length);
  for (const code of FINDING_CODES) assert.match(code, /^[A-Z][A-Za-z]+$/, 'codes are PascalCase words');
});

test('every finding code written in src/ is a registry code', () => {
  // `code: 'X'` in a finding or an ESO problem, and `[X]` at the start of a message a rule writes.
  const written = new Map<string, string>();
  for (const file of sources(join(REPO_ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bcode: '([A-Z][A-Za-z]+)'/g)) written.set(m[1]!, file);
  }
  assert.ok(written.size >= 20, `found ${written.size} codes in src/`);
  for (const [code, file] of written) assert.ok(isFindingCode(code), `${code} (in ${file}) has no entry in src/checks/finding-codes.ts`);
});

test('every code an example expects is a registry code', () => {
  const root = join(REPO_ROOT, 'examples');
  for (const dir of readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory())) {
    const expected = JSON.parse(readFileSync(join(root, dir, 'expected.json'), 'utf8')) as { codes: string[] }[];
    for (const e of expected) for (const code of e.codes) assert.ok(isFindingCode(code), `${dir}/expected.json: ${code}`);
  }
});

test("examples/README.md names every registry code: a table row with its usual severity, or the TLS-trust note", () => {
  const page = readFileSync(join(REPO_ROOT, 'examples', 'README.md'), 'utf8');
  const section = page.slice(page.indexOf('## Finding codes and where each is produced'));
  const rows = [...section.matchAll(/^\| `([A-Za-z]+)` \| ([a-z]+)/gm)].map((m) => ({ code: m[1]!, severity: m[2]! }));
  const note = section.split('\n').find((l) => l.startsWith('The TLS-trust codes')) ?? '';
  const noted = [...note.matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1]!);
  assert.deepEqual([...rows.map((r) => r.code), ...noted].sort(), [...FINDING_CODES].sort());
  for (const row of rows) assert.equal(row.severity, FINDING_REGISTRY[row.code as keyof typeof FINDING_REGISTRY].severity, row.code);
});

test('the docs severity names the usual severity first, and operator-only codes say they are not shown', () => {
  for (const code of FINDING_CODES) {
    const spec = findingSpec(code);
    assert.ok(severityText(code).startsWith(spec.severity), code);
    assert.equal(severityText(code).includes('not shown'), spec.shownTo === 'operator', code);
  }
});
