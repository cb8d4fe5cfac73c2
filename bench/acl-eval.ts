// ACL evaluation cost for a realistic token: 50 policies × 20 path stanzas (globs, exact rules,
// `+` rules, a few denies). Prints ns per evaluation; `runAclBench()` is reused by the main bench.
import { pathToFileURL } from 'node:url';
import { BUILTIN_DEFAULT_POLICY, compileAcl, evaluateAcl, isOperationAllowed, type PolicySource } from '../src/vault/acl/index.js';

function realisticPolicies(policyCount = 50, pathsPerPolicy = 20): PolicySource[] {
  const policies: PolicySource[] = [];
  for (let p = 0; p < policyCount; p++) {
    const stanzas: string[] = [];
    for (let s = 0; s < pathsPerPolicy; s++) {
      const team = `team-${p}`;
      const kind = s % 5;
      const path =
        kind === 0 ? `kv/data/${team}/app-${s}/*` :
        kind === 1 ? `kv/metadata/${team}/app-${s}/*` :
        kind === 2 ? `kv/data/${team}/shared/config-${s}` :
        kind === 3 ? `kv/data/+/${team}-svc-${s}/*` :
        `secret/${team}/db-${s}`;
      const caps = s % 13 === 0 ? '"deny"' : kind === 1 ? '"list", "read"' : '"read"';
      stanzas.push(`path "${path}" {\n  capabilities = [${caps}]\n}`);
    }
    policies.push({ name: `policy-${p}`, text: stanzas.join('\n') });
  }
  policies.push({ name: 'default', text: BUILTIN_DEFAULT_POLICY });
  return policies;
}

function samplePaths(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) {
    const team = `team-${(i * 7) % 50}`;
    out.push(
      i % 4 === 0 ? `kv/data/${team}/app-${(i % 4) * 5}/db` :
      i % 4 === 1 ? `kv/data/${team}/shared/config-${2 + 5 * (i % 4)}` :
      i % 4 === 2 ? `kv/data/env/${team}-svc-3/x` :
      `kv/data/unknown-${i}/db`,
    );
  }
  return out;
}

export function runAclBench(opts: { iterations?: number } = {}): { nsPerEval: number; nsPerEvalRepeated: number; nsPerCompileCold: number; nsPerCompileCached: number; evaluations: number } {
  const iterations = opts.iterations ?? 200_000;
  const policies = realisticPolicies();
  const t0 = process.hrtime.bigint();
  const acl = compileAcl(policies.map((p) => ({ ...p, text: p.text + `\n# ${Date.now()}-${Math.random()}` })));
  const nsPerCompileCold = Number(process.hrtime.bigint() - t0);
  compileAcl(policies);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) compileAcl(policies);
  const nsPerCompileCached = Number(process.hrtime.bigint() - t1) / 1000;
  const paths = samplePaths();
  let allowed = 0;
  for (let i = 0; i < 10_000; i++) if (isOperationAllowed(evaluateAcl(acl, paths[i % paths.length]!), 'read')) allowed++; // warm-up
  // Evaluations are memoised per ACL and path: a path's first evaluation (each path here is new)
  // is the engine's cost; a repeated one, what an admission re-checking a known path pays.
  const t2 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (isOperationAllowed(evaluateAcl(acl, `${paths[i % paths.length]!}-${i}`), 'read')) allowed++;
  const nsPerEval = Number(process.hrtime.bigint() - t2) / iterations;
  const t3 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (isOperationAllowed(evaluateAcl(acl, paths[i % paths.length]!), 'read')) allowed++;
  const nsPerEvalRepeated = Number(process.hrtime.bigint() - t3) / iterations;
  if (allowed === 0) throw new Error('benchmark paths never matched: the fixture is wrong');
  return { nsPerEval, nsPerEvalRepeated, nsPerCompileCold, nsPerCompileCached, evaluations: iterations };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runAclBench();
  process.stdout.write(
    `acl-eval: 50 policies x 20 paths (+ default)\n` +
      `  evaluate (path -> capabilities + per-operation decision): ${r.nsPerEval.toFixed(0)} ns/op over ${r.evaluations} evaluations\n` +
      `  evaluate, a path already evaluated (memoised):            ${r.nsPerEvalRepeated.toFixed(0)} ns/op\n` +
      `  compile, cold (parse 51 policies + build):                ${(r.nsPerCompileCold / 1e6).toFixed(2)} ms\n` +
      `  compile, cached (name + text hash hit):                   ${(r.nsPerCompileCached / 1e3).toFixed(1)} µs\n`,
  );
}
