// Issue 14.3: `check` streams its input. A 50 MB file of 20,000 documents is read a document at a
// time under a 128 MB heap (one parse of the whole text needs several times the file's size), only
// the kinds it checks are kept, and findings still point at the right line of the big file.
// The heap: old space 128 MB and semi-spaces of 16 MB, V8's heap limit 176 MB in all. Held whole,
// this file is a 50 MB string and, parsed (yaml's parseAllDocuments), 268 MB of heap: it fails under
// these limits. The semi-space is set because V8 otherwise derives 64 MB ones from the old-space
// limit (a 320 MB heap limit), and, unable to promote a full young generation into the old space,
// runs a full collection every few megabytes: 11 s of CPU instead of 2 s, for a looser bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { runCliProcess, seededVault } from './check-support.js';

const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');

async function writeBigFile(file: string, documents: number, tail: string): Promise<void> {
  const block = Array.from({ length: 40 }, (_, j) => `    line ${j} ${'y'.repeat(50)}`).join('\n');
  const out = createWriteStream(file);
  for (let i = 0; i < documents; i++) {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: myapp\ndata:\n  config.txt: |\n${block}\n---\n`;
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end(tail);
  await new Promise<void>((r) => out.once('finish', () => r()));
}

test('a 50 MB file of 20,000 documents is checked under a 128 MB heap, with findings on the right lines', async () => {
  const vault = await seededVault(KV_DEV);
  const dir = mkdtempSync(join(tmpdir(), 'check-big-'));
  try {
    const file = join(dir, 'big.yaml');
    const manifests = readFileSync(join(KV_DEV, 'manifests.yaml'), 'utf8');
    await writeBigFile(file, 20_000, manifests);
    assert.ok(statSync(file).size > 50_000_000, `${statSync(file).size} bytes`);
    const r = await runCliProcess(
      [file, '--vault-addr', vault.double.url, '--allow-insecure-http', '--format', 'github'],
      { env: { VAULT_TOKEN: vault.double.webhookToken, NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=16' } },
    );
    assert.equal(r.code, 1, r.stderr);
    const typo = /::error file=[^,]*,line=(\d+),title=\[PropertyNotFound\]/.exec(r.stdout);
    assert.ok(typo, r.stdout);
    // The line of `property: pasword` in the big file: the example's own line, after 20,000 documents of 48 lines.
    const lineInExample = manifests.split('\n').findIndex((l) => /property: pasword/.test(l)) + 1;
    assert.equal(Number(typo[1]), 20_000 * 48 + lineInExample);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await vault.close();
  }
});
