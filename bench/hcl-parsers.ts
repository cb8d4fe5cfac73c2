// Measures the ACL engine's HCL1 parser against policy-parse-vectors.json, the test that decided
// it should exist (src/vault/acl/hcl1.ts cites the result). A vector passes when the parser (1)
// accepts the text (every vector text is valid HCL1 syntax), (2) yields the `path` stanzas in file
// order with duplicates kept, with the keys Vault stores, and (3) for the one vector whose expected
// error quotes line numbers, exposes those line numbers.
//
// The npm HCL parsers were measured the same way and then removed from devDependencies (kept only
// for this comparison). Result of the last run with them installed (Node 20, 2 vCPU):
//   js-hcl-parser 1.0.1     19/20 vectors     ~250 parses/s  (GopherJS build of hcl v1; plain JSON, no line numbers)
//   hcl-parser 0.1.1        19/20 vectors     ~270 parses/s  (GopherJS build of hcl v1; plain JSON, no line numbers)
//   hcl-to-json 0.1.1       17/20 vectors                    (nests a second block with the same key inside the first)
//   own hcl1                20/20 vectors  ~13,000 parses/s  (positioned AST)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseHcl1, type HclItem } from '../src/vault/acl/hcl1.js';
import { BUILTIN_DEFAULT_POLICY } from '../src/vault/acl/index.js';

interface ParseVector {
  text: string;
  valid: boolean;
  expectedPaths?: { path: string; isPrefix: boolean }[];
  errorContains?: string[];
}

interface Candidate {
  name: string;
  /** Stanza keys in order, or throws. `lines` when the parser exposes key line numbers. */
  stanzas(text: string): { keys: string[]; lines?: number[] };
}

function candidates(): Candidate[] {
  return [
    {
      name: 'own hcl1 (src/vault/acl/hcl1.ts)',
      stanzas(text) {
        const items: HclItem[] = parseHcl1(text).filter((i) => i.keys[0]!.value === 'path');
        return { keys: items.map((i) => i.keys[1]?.value ?? ''), lines: parseHcl1(text).map((i) => i.assignLine) };
      },
    },
  ];
}

function storedKey(raw: string): string {
  const p = raw.startsWith('/') ? raw.slice(1) : raw;
  const seg = p === '+' || p.includes('/+') || p.startsWith('+/');
  return p.endsWith('*') && !seg ? p.slice(0, -1) : p;
}

function vectorPasses(c: Candidate, v: ParseVector): boolean {
  let got: { keys: string[]; lines?: number[] };
  try {
    got = c.stanzas(v.text);
  } catch {
    return false;
  }
  if (v.valid && v.expectedPaths) {
    const keys = got.keys.map(storedKey);
    return keys.length === v.expectedPaths.length && keys.every((k, i) => k === v.expectedPaths![i]!.path);
  }
  const wantsLines = (v.errorContains ?? []).some((s) => / on line \d+/.test(s));
  if (wantsLines) {
    const wanted = (v.errorContains ?? []).flatMap((s) => [...s.matchAll(/ on line (\d+)/g)].map((m) => Number(m[1])));
    return got.lines !== undefined && wanted.every((l) => got.lines!.includes(l));
  }
  return true;
}

export function runHclParserBench(referenceDir: string): { name: string; passed: number; total: number; parsesPerSecond: number }[] {
  const vectors = JSON.parse(readFileSync(join(referenceDir, 'vault', 'policy-parse-vectors.json'), 'utf8')) as ParseVector[];
  return candidates().map((c) => {
    const passed = vectors.filter((v) => vectorPasses(c, v)).length;
    let parsesPerSecond = 0;
    try {
      for (let i = 0; i < 20; i++) c.stanzas(BUILTIN_DEFAULT_POLICY);
      const n = 300;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) c.stanzas(BUILTIN_DEFAULT_POLICY);
      parsesPerSecond = n / (Number(process.hrtime.bigint() - t0) / 1e9);
    } catch {
      parsesPerSecond = 0;
    }
    return { name: c.name, passed, total: vectors.length, parsesPerSecond };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { REFERENCE_DIR } = await import('../test/support/paths.js');
  process.stdout.write('HCL parser vs policy-parse-vectors.json (stanza order/duplicates/keys, line numbers); speed on the default policy\n');
  for (const r of runHclParserBench(REFERENCE_DIR)) {
    process.stdout.write(`  ${r.name.padEnd(36)} ${String(r.passed).padStart(2)}/${r.total} vectors   ${r.parsesPerSecond.toFixed(0).padStart(7)} parses/s\n`);
  }
}
