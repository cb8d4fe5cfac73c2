// README and docs/ stay true: the generated pages equal what the code renders, the quick start
// names the commands package.json and CI really run, and the demo transcripts are what the demo prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configOptionsMarkdown } from '../../src/config/options.js';
import { FINDING_CODES } from '../../src/checks/finding-codes.js';
import { parse as parseYaml } from 'yaml';
import { renderExamplesBlock, renderFindingCodes, withConfigBlock, withExamplesBlock } from '../../scripts/docs/render.js';
import { AUDIT_CONFIG_DEFAULTS } from '../../src/audit/config.js';
import { KUBE_CONFIG_DEFAULTS } from '../../src/kube/config.js';
import { DEFAULT_BREAKER, DEFAULT_CACHE, DEFAULT_HEALTH_INTERVAL_MS, DEFAULT_LOGIN_RETRY_MS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY } from '../../src/vault/config.js';
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

/** The first ```yaml block after `## <heading>` in a page, parsed. */
function yamlBlockAfter(page: string, heading: string): Record<string, unknown> {
  const at = page.indexOf(`## ${heading}`);
  assert.ok(at >= 0, heading);
  const start = page.indexOf('```yaml\n', at) + '```yaml\n'.length;
  return parseYaml(page.slice(start, page.indexOf('```', start))) as Record<string, unknown>;
}

test('docs/configuration.md states the vault, kube and audit defaults the code applies', () => {
  const page = read('docs/configuration.md');
  const vault = yamlBlockAfter(page, '`vault`')['vault'] as Record<string, unknown>;
  assert.deepEqual(vault['cache'], DEFAULT_CACHE);
  assert.deepEqual(vault['breaker'], DEFAULT_BREAKER);
  assert.deepEqual(vault['retry'], DEFAULT_RETRY);
  assert.equal(vault['requestTimeoutMs'], DEFAULT_REQUEST_TIMEOUT_MS);
  assert.equal(vault['healthIntervalMs'], DEFAULT_HEALTH_INTERVAL_MS);
  assert.equal(vault['loginRetryMs'], DEFAULT_LOGIN_RETRY_MS);
  assert.equal(vault['metadataOnly'], false);
  assert.deepEqual(yamlBlockAfter(page, '`audit`')['audit'], AUDIT_CONFIG_DEFAULTS);
  // kube: "`name` (`value`)" or "`a` / `b` (`value`)" in prose.
  const kubeText = page.slice(page.indexOf('## `kube`'), page.indexOf('## `audit`')).replace(/\s+/g, ' ');
  const documented: Record<string, string> = {};
  for (const m of kubeText.matchAll(/((?:`\w+`(?: \/ )?)+) \(`?([^`)]+)`?\)/g)) {
    for (const key of m[1]!.match(/\w+/g)!) documented[key] = m[2]!;
  }
  assert.deepEqual(documented, Object.fromEntries(Object.entries(KUBE_CONFIG_DEFAULTS).map(([k, v]) => [k, String(v)])));
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

/** The console block after `$ npm run demo` in a Markdown page. */
function demoBlock(page: string): string[] {
  const start = page.indexOf('$ npm run demo\n');
  assert.ok(start >= 0, 'a `$ npm run demo` transcript');
  const body = page.slice(start + '$ npm run demo\n'.length);
  return body.slice(0, body.indexOf('```')).replace(/\n$/, '').split('\n');
}

test('docs/demo.md shows the full demo transcript, and README an excerpt of it, exactly as the demo prints', async () => {
  const { exampleFolders, runDemo } = await import('../../demo/run-demo.js');
  const printed: string[] = [];
  await runDemo(exampleFolders(), { line: (text) => printed.push(text) });
  const lines = printed.join('\n').split('\n');
  assert.deepEqual(demoBlock(read('docs/demo.md')), lines, 'regenerate the transcript with `NO_COLOR=1 npm run demo`');
  // README: runs of lines from the transcript, in order, separated by "…".
  let at = 0;
  let gap = false;
  for (const line of demoBlock(readme)) {
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
