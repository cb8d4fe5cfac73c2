// README stays true: its configuration table is the one the code builds, every finding code is
// documented, and the quick start names the commands package.json and CI really run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configOptionsMarkdown } from '../src/config/options.js';
import { FINDING_CODES } from '../src/checks/finding.js';
import { REPO_ROOT } from './support/paths.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

test('README lists every configuration option exactly as the code defines it', () => {
  assert.ok(readme.includes(configOptionsMarkdown()), 'regenerate the table with configOptionsMarkdown()');
});

test('README documents every finding code with an example', () => {
  const section = readme.slice(readme.indexOf('## Finding codes'), readme.indexOf('## Decisions'));
  for (const code of FINDING_CODES) assert.match(section, new RegExp(`^\\| \`${code}\` \\|`, 'm'), code);
});

test('the quick start commands exist, and CI runs the README test command', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  for (const script of ['demo', 'test']) {
    assert.ok(pkg.scripts[script], script);
    assert.match(readme, new RegExp(`^npm run ${script}|^npm ${script}`, 'm'));
  }
  const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm ci\b/m);
  assert.match(ci, /^npm test$/m);
});

test('README has no unfilled placeholder', () => {
  assert.doesNotMatch(readme, /^[A-Z_]{6,}$/m);
});

test('README shows the demo transcript exactly as the demo prints it', async () => {
  const { exampleFolders, runDemo } = await import('../demo/run-demo.js');
  const lines: string[] = [];
  await runDemo(exampleFolders(), { line: (text) => lines.push(text) });
  assert.ok(readme.includes(`$ npm run demo\n${lines.join('\n')}\n\`\`\``), 'regenerate the transcript with `NO_COLOR=1 npm run demo`');
});
