// The command examples in docs/ are what the commands print: each documented transcript is run
// through the compiled CLI and compared line by line ("…" marks lines left out). In-process (the
// program the binary runs) where the output names no file; check's, which names the file relative to
// the working directory, as a child process in a directory laid out as the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { runCommand } from '../support/cli.js';

const page = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

/** The lines after `prompt` in a page, up to the next prompt or the end of the code block. */
function transcript(text: string, prompt: string): string[] {
  const start = text.indexOf(`${prompt}\n`);
  assert.ok(start >= 0, `the page shows ${prompt}`);
  const body = text.slice(start + prompt.length + 1);
  return body.slice(0, body.indexOf('```')).split('\n').filter((l) => l !== '').filter((l, i, all) => !all.slice(0, i + 1).some((x) => x.startsWith('$ ')));
}

async function run(args: string[]): Promise<{ status: number | null; lines: string[] }> {
  const r = await runCommand(args, { env: { NO_COLOR: '1' } });
  return { status: r.code, lines: r.stdout.split('\n').filter((l) => l !== '') };
}

/** Documented lines appear in the output in order; consecutive ones consecutively, "…" allows a gap. */
function assertExcerpt(documented: string[], printed: string[]): void {
  let at = 0;
  let gap = false;
  for (const line of documented) {
    if (line === '…') {
      gap = true;
      continue;
    }
    const found = gap ? printed.indexOf(line, at) : printed[at] === line ? at : -1;
    assert.ok(found >= at, `documented line not printed there: ${line}\nprinted:\n${printed.join('\n')}`);
    at = found + 1;
    gap = false;
  }
}

test('docs/explain.md: the explain --offline example is what explain prints', async () => {
  const prompt = '$ npx eso-vault-guard explain --offline examples/kv-dev-kubernetes-auth/manifests.yaml';
  const r = await run(['explain', '--offline', join(REPO_ROOT, 'examples/kv-dev-kubernetes-auth/manifests.yaml')]);
  assert.equal(r.status, 0);
  assertExcerpt(transcript(page('explain.md'), prompt), r.lines);
});

test('docs/policy-eval.md: the team-a example is what policy-eval prints, with its exit status', async () => {
  const text = page('policy-eval.md');
  const policy = transcript(text, '$ cat team-a.hcl');
  const dir = mkdtempSync(join(tmpdir(), 'docs-policy-eval-'));
  writeFileSync(join(dir, 'team-a.hcl'), `${policy.join('\n')}\n`);
  const prompt = '$ eso-vault-guard policy-eval --policy team-a=team-a.hcl --path kv/data/team-b/db';
  const r = await run(['policy-eval', '--policy', `team-a=${join(dir, 'team-a.hcl')}`, '--path', 'kv/data/team-b/db']);
  assert.deepEqual(r.lines, transcript(text, prompt));
  const status = /\$ echo \$\?\n(\d+)/.exec(text);
  assert.equal(r.status, Number(status?.[1]));
});

test('docs/check.md: the text output example is what check prints for examples/kv-dev-kubernetes-auth', async () => {
  const { runCliProcess, seededVault } = await import('../cli/check-support.js');
  const { OWN_EXAMPLES_DIR } = await import('../support/paths.js');
  const { mkdirSync, copyFileSync } = await import('node:fs');
  const text = page('check.md');
  const start = text.indexOf('```text\n') + '```text\n'.length;
  const documented = text.slice(start, text.indexOf('```', start)).replace(/\n$/, '').split('\n');
  const example = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');
  const vault = await seededVault(example);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'docs-check-'));
    mkdirSync(join(dir, 'manifests'));
    copyFileSync(join(example, 'manifests.yaml'), join(dir, 'manifests', 'apps.yaml'));
    const r = await runCliProcess(['manifests/apps.yaml', '--config', vault.configFile, '--allow-insecure-http'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.stdout.replace(/\n$/, '').split('\n'), documented);
  } finally {
    await vault.close();
  }
});
