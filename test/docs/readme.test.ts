// README and docs/ stay true: the generated pages equal what the code renders, and the quick start
// names the commands package.json and CI really run. (The demo transcripts of README and docs/demo.md
// are held to what the demo prints by test/demo/demo.test.ts, from its one run of the demo.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configOptionsMarkdown } from '../../src/config/options.js';
import { FINDING_CODES } from '../../src/checks/finding-codes.js';
import { parse as parseYaml } from 'yaml';
import { renderExamplesBlock, renderFindingCodes, withConfigBlock, withExamplesBlock } from '../../scripts/docs/render.js';
import { validateSection } from '../../src/config/index.js';
import { REPO_ROOT } from '../support/paths.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const readme = read('README.md');

/** The budget: README is what a newcomer reads in one to three screens. */
const README_MAX_BYTES = 25_000;

test('README stays short', () => {
  assert.ok(Buffer.byteLength(readme) <= README_MAX_BYTES, `${Buffer.byteLength(readme)} bytes; move detail into docs/`);
});

test('docs/configuration.md lists every configuration option exactly as the code defines it', () => {
  const page = read('docs/configuration.md');
  assert.ok(page.includes(configOptionsMarkdown()), 'run `npm run docs`');
  assert.equal(withConfigBlock(page), page, 'run `npm run docs`');
});

test('docs/configuration.md: its example is a valid configuration that states the vault defaults the schema applies', () => {
  const page = read('docs/configuration.md');
  const start = page.indexOf('```yaml\n', page.indexOf('## Example')) + '```yaml\n'.length;
  const example = parseYaml(page.slice(start, page.indexOf('```', start))) as { vault: Record<string, unknown> };
  const { servers, ...rest } = validateSection('vault', example.vault);
  assert.equal(servers.length, 1);
  const { servers: noServers, ...defaults } = validateSection('vault', {});
  assert.deepEqual(noServers, []);
  assert.deepEqual(rest, defaults, 'the example says every other option is at its default');
  assert.deepEqual(Object.keys(example.vault).sort(), Object.keys(validateSection('vault', {})).sort(), 'the example shows every vault option');
});

test('docs/finding-codes.md is generated from the code registry, one section with a fix per code', () => {
  const page = read('docs/finding-codes.md');
  assert.equal(page, renderFindingCodes(), 'run `npm run docs`');
  for (const code of FINDING_CODES) {
    const section = page.slice(page.indexOf(`\n## ${code}\n`));
    assert.match(section, /\*\*How to fix:\*\* \S/, code);
  }
});

test("examples/README.md's table of where each code is produced is generated from the registry", () => {
  const page = read('examples/README.md');
  assert.ok(page.includes(renderExamplesBlock()), 'run `npm run docs`');
  assert.equal(withExamplesBlock(page), page, 'run `npm run docs`');
});

test('the quick start commands exist, and CI runs the README test command', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  for (const script of ['demo', 'test']) {
    assert.ok(pkg.scripts[script], script);
    assert.match(readme, new RegExp(`^npm run ${script}|^npm ${script}`, 'm'));
  }
  const ci = read('.ci/run');
  assert.match(ci, /^npm ci\b/m);
  assert.match(ci, /^npm test$/m);
});

test('README and docs have no unfilled placeholder', () => {
  for (const path of ['README.md', 'CONTRIBUTING.md', 'docs/README.md']) assert.doesNotMatch(read(path), /^[A-Z_]{6,}$/m, path);
});
