// Every relative link in README.md, CONTRIBUTING.md and docs/ (and the examples' and fixtures'
// READMEs) resolves to a file of this repository, and every #anchor to a heading of its page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? markdownUnder(join(dir, d.name)) : d.name.endsWith('.md') ? [join(dir, d.name)] : [],
  );
}

const PAGES = [
  join(REPO_ROOT, 'README.md'),
  join(REPO_ROOT, 'CONTRIBUTING.md'),
  join(REPO_ROOT, 'examples', 'README.md'),
  join(REPO_ROOT, 'test', 'fixtures', 'reference', 'README.md'),
  ...markdownUnder(join(REPO_ROOT, 'docs')),
];

/** The text outside fenced code blocks and inline code, where Markdown links live. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, (m) => (m.includes('](') ? m : '``'));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Link targets of `[text](target)` and `[text](target "title")`, skipping URLs with a scheme. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

test('there are docs pages to check', () => {
  assert.ok(PAGES.length >= 10, PAGES.map((p) => relative(REPO_ROOT, p)).join(', '));
});

for (const page of PAGES) {
  const name = relative(REPO_ROOT, page);
  test(`links in ${name} resolve`, () => {
    const markdown = readFileSync(page, 'utf8');
    const broken: string[] = [];
    for (const link of relativeLinks(markdown)) {
      const [pathPart, anchor] = link.split('#', 2) as [string, string | undefined];
      const target = pathPart === '' ? page : resolve(dirname(page), decodeURIComponent(pathPart));
      if (relative(REPO_ROOT, target).startsWith('..')) {
        broken.push(`${link} (outside the repository)`);
        continue;
      }
      if (!existsSync(target)) {
        broken.push(`${link} (no such file)`);
        continue;
      }
      if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${link} (no heading for #${anchor})`);
      }
    }
    assert.deepEqual(broken, []);
  });
}

/** The sibling folder the project once read its examples and reference facts from. */
const SHARED = ['..', 'shared'].join('/');

test('no page, test or source file reads the sibling shared folder: the repository stands alone', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, d.name);
      if (d.isDirectory()) walk(full);
      else if (/\.(ts|mjs|md|json|ya?ml)$/.test(d.name) && readFileSync(full, 'utf8').includes(SHARED)) offenders.push(relative(REPO_ROOT, full));
    }
  };
  for (const dir of ['src', 'test', 'docs', 'demo', 'bench', 'scripts', 'examples', 'deploy']) walk(join(REPO_ROOT, dir));
  for (const file of ['README.md', 'CONTRIBUTING.md', 'package.json']) if (readFileSync(join(REPO_ROOT, file), 'utf8').includes(SHARED)) offenders.push(file);
  assert.deepEqual(offenders, []);
});
