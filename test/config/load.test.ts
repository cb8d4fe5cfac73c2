import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { CONFIG_OPTIONS, configDefaults, configOptionsMarkdown, configOptionsTable } from '../../src/config/options.js';
import { KUBE_CONFIG_DEFAULTS } from '../../src/kube/config.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eso-guard-config-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail('expected a ConfigError');
}

test('defaults', () => {
  const config = loadConfig({ env: {} });
  assert.deepEqual(config.server, { port: 8443, metricsPort: 8080, host: '0.0.0.0', drainMs: 5000 });
  assert.deepEqual(config.admission, { deadlineMs: 2500, failureMode: 'failOpen', mode: 'enforce', objectOverrides: 'namespaceGranted' });
  assert.deepEqual(config.report, { access: 'authenticated', path: '/eso-vault-guard/report', verb: 'get' });
  assert.deepEqual(config.log, { level: 'info' });
  assert.deepEqual(config.tls, { serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard', extraDnsNames: [] });
  assert.deepEqual(config.vault.servers, [], 'no Vault server: stores are VaultUnavailable');
  assert.deepEqual(config.kube, KUBE_CONFIG_DEFAULTS);
  assert.deepEqual(config.audit, { enabled: true, intervalMs: 300_000, objectsPerSecond: 5, deadlineMsPerObject: 10_000 });
  assert.deepEqual(config, configDefaults(), 'the defaults are the schema\'s');
  assert.deepEqual(config.checks, { defaultAudiences: ['https://kubernetes.default.svc.cluster.local'], controllerServiceAccount: 'external-secrets/external-secrets', templateLeftDelimiter: '{{', templateRightDelimiter: '}}', reuseResultsMs: 2000 });
});

test('file < environment < command line', () => {
  const path = file(
    'layered.yaml',
    ['server:', '  port: 9443', '  metricsPort: 9090', 'admission:', '  failureMode: failClosed', '  deadlineMs: 1000', 'vault:', '  servers: [{url: "https://v:8200", login: {method: token, tokenFile: /t}}]'].join('\n'),
  );
  const config = loadConfig({
    file: path,
    env: { ESO_GUARD_METRICS_PORT: '9191', ESO_GUARD_DEADLINE_MS: '1500', ESO_GUARD_TLS_EXTRA_DNS_NAMES: 'a.example, b.example' },
    overrides: { admission: { deadlineMs: 700 } },
  });
  assert.equal(config.server.port, 9443);
  assert.equal(config.server.metricsPort, 9191);
  assert.equal(config.admission.failureMode, 'failClosed');
  assert.equal(config.admission.deadlineMs, 700);
  assert.deepEqual(config.tls.extraDnsNames, ['a.example', 'b.example']);
  assert.deepEqual(config.vault.servers, [{ url: 'https://v:8200', login: { method: 'token', tokenFile: '/t' }, valueReadMounts: [] }]);
  assert.equal(config.vault.requestTimeoutMs, 2000, 'defaults fill in around what the file sets');
});

test('ESO_GUARD_CONFIG names the file when --config is not given', () => {
  const path = file('by-env.yaml', 'log:\n  level: debug\n');
  assert.equal(loadConfig({ env: { ESO_GUARD_CONFIG: path } }).log.level, 'debug');
});

test('a bad value fails with the field, the allowed values and where it came from', () => {
  assert.equal(
    problemOf(() => loadConfig({ env: { ESO_GUARD_FAILURE_MODE: 'open' } })),
    'config: admission.failureMode must be one of failOpen, failClosed (got "open"); set by ESO_GUARD_FAILURE_MODE',
  );
  assert.equal(
    problemOf(() => loadConfig({ env: {}, overrides: { admission: { mode: 'block' as never } } })),
    'config: admission.mode must be one of enforce, warn, audit (got "block"); set by command line',
  );
  assert.equal(
    problemOf(() => loadConfig({ env: { ESO_GUARD_PORT: 'https' } })),
    'config: server.port must be integer (got "https"); set by ESO_GUARD_PORT',
  );
  const path = file('bad.yaml', 'admission:\n  deadlineMs: 0\nserver:\n  prot: 1\n');
  const message = problemOf(() => loadConfig({ file: path, env: {} }));
  assert.match(message, /^config: admission\.deadlineMs must be >= 1 \(got 0\); set by config file .*bad\.yaml$/m);
  assert.match(message, /^config: server\.prot is not a known option \(known: port, metricsPort, host, drainMs\)/m);
});

test('certFile without keyFile is refused', () => {
  assert.match(
    problemOf(() => loadConfig({ env: { ESO_GUARD_TLS_CERT_FILE: '/etc/tls/tls.crt' } })),
    /^config: tls\.keyFile is missing \(required when tls\.certFile is set\)$/,
  );
});

test('unreadable or non-YAML files are named', () => {
  assert.match(problemOf(() => loadConfig({ file: join(dir, 'nope.yaml'), env: {} })), /^config: cannot read config file .*nope\.yaml/);
  assert.match(problemOf(() => loadConfig({ file: file('broken.yaml', 'server: [\n'), env: {} })), /^config: config file .*broken\.yaml is not valid YAML/);
  assert.match(problemOf(() => loadConfig({ file: file('list.yaml', '- a\n'), env: {} })), /must hold a YAML mapping/);
});

test('a bad value in the vault, kube or audit section stops loading, naming the field', () => {
  const cases: [string, RegExp][] = [
    ['vault:\n  servers:\n    - url: vault:8200\n      login: {method: token, tokenFile: /t}\n', /^config: vault\.servers\[0\]\.url must match pattern "\^https\?:\/\/" \(got "vault:8200"\); set by config file/m],
    ['vault:\n  servers:\n    - url: https://v\n      login: {method: approle, mountPath: approle}\n', /^config: vault\.servers\[0\]\.login\.roleId is missing/m],
    ['vault:\n  servers:\n    - url: https://v\n      login: {method: userpass}\n', /^config: vault\.servers\[0\]\.login\.method must be one of kubernetes, jwt, approle, token \(got "userpass"\)/m],
    ['vault:\n  cache: {policyTtlMs: -1}\n', /^config: vault\.cache\.policyTtlMs must be >= 0 \(got -1\)/m],
    ['kube:\n  resyncMs: often\n', /^config: kube\.resyncMs must be integer \(got "often"\)/m],
    ['audit:\n  objectsPerSecond: -1\n', /^config: audit\.objectsPerSecond must be > 0 \(got -1\)/m],
    ['audit:\n  intervalMS: 1000\n', /^config: audit\.intervalMS is not a known option \(known: enabled, intervalMs, objectsPerSecond, deadlineMsPerObject\)/m],
  ];
  for (const [yaml, pattern] of cases) assert.match(problemOf(() => loadConfig({ file: file('section.yaml', yaml), env: {} })), pattern);
});

test('every option has a description; environment variables are unique and name fixed options only', () => {
  for (const option of CONFIG_OPTIONS) assert.notEqual(option.description, '', option.name);
  const envs = CONFIG_OPTIONS.flatMap((o) => (o.env ? [o.env] : []));
  assert.equal(new Set(envs).size, envs.length);
  assert.equal(envs.length, 23, 'the environment variables of before the one schema and ESO\'s two template delimiters, no more, no fewer');
  assert.ok(CONFIG_OPTIONS.every((o) => !o.env || !o.name.includes('[]')));
});

test('the options table lists every option with its environment variable and default', () => {
  const table = configOptionsTable();
  assert.equal(table.length, CONFIG_OPTIONS.length);
  const byName = new Map(table.map((row) => [row.name, row]));
  assert.deepEqual(byName.get('admission.failureMode'), {
    name: 'admission.failureMode',
    env: 'ESO_GUARD_FAILURE_MODE',
    default: 'failOpen',
    description: CONFIG_OPTIONS.find((o) => o.name === 'admission.failureMode')?.description,
  });
  assert.deepEqual(byName.get('vault.breaker.openMs')?.default, '5000');
  assert.ok(byName.has('vault.servers[].login'));
  for (const env of ['ESO_GUARD_PORT', 'ESO_GUARD_METRICS_PORT', 'ESO_GUARD_DEADLINE_MS', 'ESO_GUARD_MODE', 'ESO_GUARD_LOG_LEVEL', 'ESO_GUARD_TLS_CERT_FILE']) {
    assert.ok(table.some((row) => row.env === env), env);
  }
});

test('the Markdown has one table per section and a row per option', () => {
  const text = configOptionsMarkdown();
  const rows = text.split('\n').filter((l) => l.startsWith('| `'));
  assert.equal(rows.length, CONFIG_OPTIONS.length);
  assert.ok(rows.includes(`| \`admission.deadlineMs\` | \`ESO_GUARD_DEADLINE_MS\` | \`2500\` | ${CONFIG_OPTIONS.find((o) => o.name === 'admission.deadlineMs')?.description} |`));
  assert.ok(rows.includes(`| \`audit.intervalMs\` | \`300000\` | ${CONFIG_OPTIONS.find((o) => o.name === 'audit.intervalMs')?.description} |`));
  for (const section of ['server', 'tls', 'admission', 'checks', 'report', 'log', 'vault', 'kube', 'audit']) assert.ok(text.includes(`### \`${section}\``), section);
});
