// Issue 14.3: `check` streams its input. A 50 MB file of 20,000 documents is read a document at a
// time under a 128 MB heap (one parse of the whole text needs several times the file's size), only
// the kinds it checks are kept, and findings still point at the right line of the big file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, statSync } from 'node:fs';
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
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'check-big-')), 'big.yaml');
    const manifests = readFileSync(join(KV_DEV, 'manifests.yaml'), 'utf8');
    await writeBigFile(file, 20_000, manifests);
    assert.ok(statSync(file).size > 50_000_000, `${statSync(file).size} bytes`);
    const r = await runCliProcess(
      [file, '--vault-addr', vault.double.url, '--allow-insecure-http', '--format', 'github'],
      { env: { VAULT_TOKEN: vault.double.webhookToken, NODE_OPTIONS: '--max-old-space-size=128' } },
    );
    assert.equal(r.code, 1, r.stderr);
    const typo = /::error file=[^,]*,line=(\d+),title=\[PropertyNotFound\]/.exec(r.stdout);
    assert.ok(typo, r.stdout);
    // The line of `property: pasword` in the big file: the example's own line, after 20,000 documents of 48 lines.
    const lineInExample = manifests.split('\n').findIndex((l) => /property: pasword/.test(l)) + 1;
    assert.equal(Number(typo[1]), 20_000 * 48 + lineInExample);
  } finally {
    await vault.close();
  }
});
