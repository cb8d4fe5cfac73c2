// The renderers of `check` on a fixed report: GitHub workflow-command escaping, colour only when
// asked, field lines from the YAML source, and the JSON schema's exact shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeData, escapeProperty, formatGithub } from '../../src/cli/check/format-github.js';
import { formatText } from '../../src/cli/check/format-text.js';
import { formatJson } from '../../src/cli/check/format-json.js';
import { artifactUri, toSarif } from '../../src/cli/check/format-sarif.js';
import { fieldLine, fieldSegments } from '../../src/cli/check/field-lines.js';
import { parseManifests, InputError } from '../../src/cli/check/inputs.js';
import { exitDecision } from '../../src/cli/check/exit-code.js';
import { createProgress } from '../../src/cli/check/progress.js';
import type { CheckReport } from '../../src/cli/check/located.js';

const REPORT: CheckReport = {
  findings: [
    {
      code: 'PropertyNotFound', severity: 'error', resource: { kind: 'ExternalSecret', namespace: 'team-a', name: 'db' },
      file: 'deploy/app,1.yaml', line: 7, field: 'spec.data[0].remoteRef.property',
      message: 'secret/data/db has no property "pasword" (100% sure)\r\nsecond line', hint: 'Did you mean "password"?',
    },
    {
      code: 'NotVerifiable', severity: 'info', resource: { kind: 'ClusterSecretStore', namespace: null, name: 'vault' },
      file: 'deploy/app,1.yaml', line: 2, field: 'spec.provider.vault.auth.appRole', message: 'cannot be checked', hint: '',
    },
  ],
  summary: { errors: 1, warnings: 0, infos: 1 },
  objects: 2,
  skipped: [],
  couldNotCheck: [],
};

test('github: one workflow command per finding, escaped as the runner expects', () => {
  assert.equal(escapeData('a%b\r\nc'), 'a%25b%0D%0Ac');
  assert.equal(escapeProperty('x:y,z%'), 'x%3Ay%2Cz%25');
  const lines = formatGithub(REPORT).trimEnd().split('\n');
  assert.equal(
    lines[0],
    '::error file=deploy/app%2C1.yaml,line=7,title=[PropertyNotFound] spec.data[0].remoteRef.property::secret/data/db has no property "pasword" (100%25 sure)%0D%0Asecond line%0ADid you mean "password"?',
  );
  assert.equal(lines[1], '::notice file=deploy/app%2C1.yaml,line=2,title=[NotVerifiable] spec.provider.vault.auth.appRole::cannot be checked');
  assert.equal(lines.length, 3);
});

test('text: grouped by file and object, colour only when asked', () => {
  const plain = formatText(REPORT, { colour: false });
  assert.equal(
    plain,
    [
      'deploy/app,1.yaml',
      'ExternalSecret team-a/db',
      '  error [PropertyNotFound] spec.data[0].remoteRef.property: secret/data/db has no property "pasword" (100% sure)\r\nsecond line',
      '      hint: Did you mean "password"?',
      'ClusterSecretStore vault',
      '  info [NotVerifiable] spec.provider.vault.auth.appRole: cannot be checked',
      '',
      '2 objects checked: 1 error, 0 warnings, 1 info',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(plain, /\u001b/);
  assert.match(formatText(REPORT, { colour: true }), /\u001b\[31merror\u001b\[0m/);
});

test('json: exactly the documented schema', () => {
  const skipped = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'web', file: 'deploy/app,1.yaml', line: 30, reason: 'kind not checked' };
  const parsed = JSON.parse(formatJson({ ...REPORT, skipped: [skipped] })) as Record<string, unknown>;
  const { line: _line, ...listed } = skipped;
  assert.deepEqual(parsed, {
    findings: REPORT.findings.map(({ line: _line, ...f }) => f),
    summary: { errors: 1, warnings: 0, infos: 1, skipped: 1 },
    skipped: [listed],
  });
});

test('sarif: relative URIs, levels, rule per code', () => {
  assert.equal(artifactUri('/repo/deploy/my app.yaml', '/repo'), 'deploy/my%20app.yaml');
  assert.equal(artifactUri('-', '/repo'), 'stdin');
  const log = toSarif(REPORT, '/elsewhere') as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { level: string; ruleId: string; ruleIndex: number }[] }[] };
  const run = log.runs[0]!;
  assert.deepEqual(run.results.map((r) => r.level), ['error', 'note']);
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
});

test('field lines: the key of the field, or its deepest present parent', async () => {
  const text = [
    '# leading comment',
    'apiVersion: external-secrets.io/v1',
    'kind: ExternalSecret',
    'metadata:',
    '  name: db',
    '  annotations:',
    '    "example.com/a.b": "x"',
    'spec:',
    '  data:',
    '    - secretKey: a',
    '      remoteRef: { key: db, property: user }',
    '    - secretKey: b',
    '      remoteRef:',
    '        key: db',
    '        property: pasword',
    '---',
    'kind: Namespace',
  ].join('\n');
  const [doc, second] = await parseManifests('m.yaml', text);
  assert.ok(doc && second);
  assert.deepEqual(fieldSegments('spec.data[1].remoteRef.property'), ['spec', 'data', 1, 'remoteRef', 'property']);
  assert.deepEqual(fieldSegments('metadata.annotations["example.com/a.b"]'), ['metadata', 'annotations', 'example.com/a.b']);
  assert.equal(fieldLine(doc, 'spec.data[1].remoteRef.property'), 15);
  assert.equal(fieldLine(doc, 'spec.data[0].remoteRef.property'), 11);
  assert.equal(fieldLine(doc, 'spec.data[1].remoteRef.version'), 13);
  assert.equal(fieldLine(doc, 'metadata.annotations["example.com/a.b"]'), 7);
  assert.equal(fieldLine(doc, 'spec.secretStoreRef'), 8);
  assert.equal(fieldLine(second, 'spec'), 17);
  await assert.rejects(parseManifests('bad.yaml', 'a: b\nc: [d\n'), (err: unknown) => err instanceof InputError && /^bad\.yaml:\d+: YAML syntax error/.test(err.message));
});

test('exit codes: errors 1, could-not-check 2 unless --fail-open', () => {
  assert.equal(exitDecision(REPORT, false).code, 1);
  assert.equal(exitDecision({ ...REPORT, summary: { errors: 0, warnings: 0, infos: 1 } }, false).code, 0);
  const unreachable = { ...REPORT, couldNotCheck: ['Vault timed out'] };
  assert.equal(exitDecision(unreachable, false).code, 2);
  assert.match(exitDecision(unreachable, false).stderr[0] ?? '', /Vault timed out/);
  assert.equal(exitDecision({ ...unreachable, summary: { errors: 0, warnings: 1, infos: 0 } }, true).code, 0);
  assert.equal(exitDecision(unreachable, true).code, 1);
  assert.match(exitDecision(unreachable, true).stderr[0] ?? '', /warning/);
});

test('progress: shown only on a TTY, cleared at the end', () => {
  const written: string[] = [];
  const fake = (isTTY: boolean) => ({ isTTY, write: (s: string) => { written.push(s); return true; } }) as unknown as NodeJS.WriteStream;
  const quiet = createProgress(fake(false));
  quiet.update(1, 2);
  quiet.finish();
  assert.deepEqual(written, []);
  const tty = createProgress(fake(true));
  tty.update(12, 40);
  tty.finish();
  assert.deepEqual(written, ['\rchecked 12/40', '\r\u001b[K']);
});
