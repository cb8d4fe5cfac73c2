import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { CONFIG_OPTIONS, configOptionsMarkdown, configOptionsTable } from '../../src/config/options.js';

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
  assert.deepEqual([config.vault, config.kube, config.audit], [{}, {}, {}]);
  assert.deepEqual(config.checks, { defaultAudiences: ['https://kubernetes.default.svc.cluster.local'], controllerServiceAccount: 'external-secrets/external-secrets', reuseResultsMs: 2000 });
});

test('file < environment < command line', () => {
  const path = file(
    'layered.yaml',
    ['server:', '  port: 9443', '  metricsPort: 9090', 'admission:', '  failureMode: failClosed', '  deadlineMs: 1000', 'vault:', '  servers: [{url: "https://v:8200"}]'].join('\n'),
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
  assert.deepEqual(config.vault, { servers: [{ url: 'https://v:8200' }] }, 'open sections pass through');
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
  for (const env of ['ESO_GUARD_PORT', 'ESO_GUARD_METRICS_PORT', 'ESO_GUARD_DEADLINE_MS', 'ESO_GUARD_MODE', 'ESO_GUARD_LOG_LEVEL', 'ESO_GUARD_TLS_CERT_FILE']) {
    assert.ok(table.some((row) => row.env === env), env);
  }
});

test('the Markdown table has a row per option', () => {
  const lines = configOptionsMarkdown().split('\n');
  assert.equal(lines.length, CONFIG_OPTIONS.length + 2);
  assert.ok(lines.includes(`| \`admission.deadlineMs\` | \`ESO_GUARD_DEADLINE_MS\` | \`2500\` | ${CONFIG_OPTIONS.find((o) => o.name === 'admission.deadlineMs')?.description} |`));
});
