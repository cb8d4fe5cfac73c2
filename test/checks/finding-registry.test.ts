// The registry of finding codes (src/checks/finding-codes.ts) is the one place a code is declared:
// every code the product can emit has an entry with docs text, every expected.json names only
// registered codes, and where the registry says a code is produced, it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_CODES, findingSpec, isFindingCode, severityText } from '../../src/checks/finding-codes.js';
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

test('every object the registry says produces a code lists that code in its folder\'s expected.json; a producing test names the code', () => {
  for (const code of FINDING_CODES) {
    const produced = findingSpec(code).producedBy;
    if ('test' in produced) {
      assert.ok(existsSync(join(REPO_ROOT, produced.test)), `${code}: ${produced.test}`);
      assert.ok(readFileSync(join(REPO_ROOT, produced.test), 'utf8').includes(code), `${code}: ${produced.test} does not mention it`);
      continue;
    }
    for (const [folder, objects] of Object.entries(produced.examples)) {
      const expected = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', folder, 'expected.json'), 'utf8')) as { namespace?: string | null; name: string; codes: string[] }[];
      for (const object of objects) {
        const [namespace, name] = object.includes('/') ? object.split('/') : [null, object];
        const entry = expected.find((e) => e.name === name && (e.namespace ?? null) === namespace);
        assert.ok(entry?.codes.includes(code), `${code}: examples/${folder} ${object} does not expect it`);
      }
    }
  }
});

test('the docs severity names the usual severity first, and operator-only codes say they are not shown', () => {
  for (const code of FINDING_CODES) {
    const spec = findingSpec(code);
    assert.ok(severityText(code).startsWith(spec.severity), code);
    assert.equal(severityText(code).includes('not shown'), spec.shownTo === 'operator', code);
  }
});
