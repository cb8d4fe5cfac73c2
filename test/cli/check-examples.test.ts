// `check` on every example folder of examples/, against
// the Vault double seeded with the folder's vault-state.json: the documented findings and exit
// codes in every format, SARIF validated against the official SARIF 2.1.0 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from '../support/paths.js';
import { exampleDirs } from '../support/examples.js';
import { loadExpected, runCli, seededVault, type ExpectedEntry, type JsonFinding, type JsonReport } from './check-support.js';

const EXAMPLES = exampleDirs();

/** The official SARIF 2.1.0 schema (test/fixtures/sarif/README.md says where it comes from). */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(schema);
}
const validateSarif = sarifValidator();

const sameResource = (f: JsonFinding, e: { kind: string; namespace: string | null; name: string }) =>
  f.resource.kind === e.kind && f.resource.namespace === e.namespace && f.resource.name === e.name;

function assertDocumented(report: JsonReport, expected: ExpectedEntry[], where: string): void {
  for (const e of expected) {
    const own = report.findings.filter((f) => sameResource(f, e));
    const errors = own.filter((f) => f.severity === 'error');
    const label = `${where}: ${e.kind} ${e.namespace ?? ''}/${e.name}`;
    if (e.decision === 'deny') {
      assert.ok(errors.length > 0, `${label} must have error findings`);
      // Every documented code is reported; the infos beside the errors (NotVerifiable) too.
      for (const code of e.codes) assert.ok(own.some((f) => f.code === code), `${label} must have ${code}; got ${JSON.stringify(own.map((f) => [f.severity, f.code]))}`);
    } else {
      assert.deepEqual(errors.map((f) => `${f.code} ${f.field}: ${f.message}`), [], `${label} must have no error`);
      for (const code of e.codes) assert.ok(own.some((f) => f.code === code), `${label} must mention ${code}; got ${JSON.stringify(own.map((f) => f.code))}`);
    }
  }
  // Objects the folder does not list must have no error.
  for (const f of report.findings.filter((x) => x.severity === 'error')) {
    assert.ok(expected.some((e) => sameResource(f, e)), `${where}: unlisted ${f.resource.kind} ${f.resource.name} has error ${f.code}`);
  }
}

test('there are example folders to check', () => {
  assert.ok(EXAMPLES.length >= 6, EXAMPLES.join(', '));
});

for (const dir of EXAMPLES) {
  const name = `${dir.slice(resolve(dir, '..').length + 1)}`;
  test(`check ${name}: documented findings and exit codes in every format`, async () => {
    const expected = loadExpected(dir);
    const vault = await seededVault(dir);
    try {
      const manifests = join(dir, 'manifests.yaml');
      const anyDeny = expected.some((e) => e.decision === 'deny');
      // A store whose Vault the run cannot ask (documented as VaultUnavailable) makes the run "could not check".
      const cannotCheck = expected.some((e) => e.codes.includes('VaultUnavailable'));
      const findingsExit = anyDeny ? 1 : 0;
      const base = [dir, '--config', vault.configFile, '--allow-insecure-http'];
      const [json, jsonFailOpen, sarif, github, text] = await Promise.all([
        runCli([...base, '--format', 'json']),
        runCli([...base, '--format', 'json', '--fail-open']),
        runCli([...base, '--format', 'sarif', '--fail-open']),
        runCli([...base, '--format', 'github', '--fail-open']),
        runCli([...base, '--format', 'text', '--fail-open']),
      ]);

      // json
      assert.equal(json.code, cannotCheck ? 2 : findingsExit, json.stderr);
      if (cannotCheck) assert.match(json.stderr, /could not be checked against Vault/);
      else assert.equal(json.stderr, '');
      const report = JSON.parse(json.stdout) as JsonReport;
      assert.deepEqual(Object.keys(report).sort(), ['findings', 'skipped', 'summary']);
      for (const f of report.findings) {
        assert.deepEqual(Object.keys(f).sort(), ['code', 'field', 'file', 'hint', 'message', 'resource', 'severity']);
        assert.equal(f.file, manifests);
      }
      assertDocumented(report, expected, name);
      assert.equal(report.summary.errors, report.findings.filter((f) => f.severity === 'error').length);
      assert.equal(report.summary.warnings, report.findings.filter((f) => f.severity === 'warning').length);
      assert.equal(report.summary.infos, report.findings.filter((f) => f.severity === 'info').length);

      assert.equal(jsonFailOpen.code, findingsExit, jsonFailOpen.stderr);
      assert.equal(jsonFailOpen.stdout, json.stdout);
      if (cannotCheck) assert.match(jsonFailOpen.stderr, /warning: .*--fail-open/);

      // sarif
      assert.equal(sarif.code, findingsExit, sarif.stderr);
      const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
      assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 5)));
      assert.equal(log.runs.length, 1);
      const run = log.runs[0]!;
      assert.equal(run.tool.driver.name, 'eso-vault-guard');
      const level = { error: 'error', warning: 'warning', info: 'note' } as const;
      assert.deepEqual(run.results.map((r) => `${r.ruleId}/${r.level}`), report.findings.map((f) => `${f.code}/${level[f.severity]}`));
      const lines = readFileSync(manifests, 'utf8').split('\n').length;
      for (const r of run.results) {
        assert.ok(run.tool.driver.rules.some((rule) => rule.id === r.ruleId), r.ruleId);
        const loc = r.locations[0]!.physicalLocation;
        assert.equal(resolve(decodeURIComponent(loc.artifactLocation.uri)), resolve(manifests));
        assert.ok(loc.region.startLine >= 1 && loc.region.startLine <= lines, String(loc.region.startLine));
      }

      // github
      assert.equal(github.code, findingsExit, github.stderr);
      const annotations = github.stdout.split('\n').filter((l) => l.startsWith('::'));
      assert.equal(annotations.length, report.findings.length);
      assert.equal(annotations.filter((l) => l.startsWith('::error ')).length, report.summary.errors);
      for (const a of annotations) assert.match(a, /^::(error|warning|notice) file=[^,]+,line=\d+,title=\[[A-Za-z]+\] [^:]+::\S/);

      // text
      assert.equal(text.code, findingsExit, text.stderr);
      assert.doesNotMatch(text.stdout, /\u001b\[/, 'no colour when stdout is not a TTY');
      assert.match(text.stdout, new RegExp(`${report.summary.errors} errors?, ${report.summary.warnings} warnings?, ${report.summary.infos} info\\n$`));
      for (const f of report.findings) {
        const resource = `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}`;
        assert.ok(text.stdout.includes(`\n${resource}\n`), resource);
        assert.ok(text.stdout.includes(`  ${f.severity} [${f.code}] ${f.field}: ${f.message}`), f.message);
      }
    } finally {
      await vault.close();
    }
  });
}
