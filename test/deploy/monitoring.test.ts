// Monitoring artefacts against the metrics the product really registers: the Grafana dashboard
// (deploy/grafana), the alerts (chart files/alerts.yaml = deploy/components/monitoring), and the
// alerts docs/operations.md recommends. A renamed metric or label fails here, not on a dashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse } from 'yaml';
import { admissionMetrics, createMetricsRegistry } from '../../src/server/metrics.js';
import { createVaultMetrics } from '../../src/vault/metrics.js';
import { createAuditMetrics } from '../../src/audit/metrics.js';
import { createHealthServer } from '../../src/server/health-app.js';
import { REPO_ROOT } from '../support/paths.js';

interface Series { labels: Set<string> }

/** Every series name the process exposes, with its labels (histograms as _bucket/_sum/_count). */
async function exposedSeries(): Promise<Map<string, Series>> {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  admissionMetrics(registry);
  createVaultMetrics(registry);
  createAuditMetrics(registry);
  const health = createHealthServer({ logger: pino({ level: 'silent' }), registry, readinessChecks: [] });
  await health.close();
  const out = new Map<string, Series>();
  for (const m of await registry.getMetricsAsJSON()) {
    const labels = new Set<string>((registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames);
    if (String(m.type) === 'histogram') {
      out.set(`${m.name}_bucket`, { labels: new Set([...labels, 'le']) });
      out.set(`${m.name}_sum`, { labels });
      out.set(`${m.name}_count`, { labels });
    } else {
      out.set(m.name, { labels });
    }
  }
  return out;
}

// Series from elsewhere that the artefacts may use, with the labels they use.
const FOREIGN: Record<string, string[]> = { kube_deployment_status_replicas_available: ['deployment'] };
// Labels Prometheus adds to every scraped series.
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod'];

/** Checks one PromQL expression's metric names, their label matchers and its grouping labels. */
function checkExpr(expr: string, series: Map<string, Series>, where: string): string[] {
  const used: string[] = [];
  const labelsInExpr = new Set<string>(TARGET_LABELS);
  for (const m of expr.matchAll(/\b([a-z_][a-z0-9_]*)(\{[^}]*\})?/g)) {
    const name = m[1]!;
    const known = series.get(name)?.labels ?? (name in FOREIGN ? new Set(FOREIGN[name]) : undefined);
    if (name.startsWith('eso_vault_guard_')) assert.ok(known, `${where}: ${name} is a metric the product registers`);
    if (!known) continue;
    used.push(name);
    for (const l of known) labelsInExpr.add(l);
    for (const matcher of (m[2] ?? '').matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) {
      assert.ok(known.has(matcher[1]!) || TARGET_LABELS.includes(matcher[1]!), `${where}: ${name} has a label ${matcher[1]}`);
    }
  }
  assert.ok(used.length > 0, `${where}: uses some metric: ${expr}`);
  for (const by of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
    for (const l of by[1]!.split(',').map((s) => s.trim()).filter(Boolean)) assert.ok(labelsInExpr.has(l), `${where}: grouping label ${l} exists`);
  }
  return used;
}

interface Rule { alert: string; expr: string; for?: string; labels?: { severity?: string }; annotations?: { summary?: string } }
const chartAlerts = parse(readFileSync(join(REPO_ROOT, 'deploy/helm/eso-vault-guard/files/alerts.yaml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
const alertRules = chartAlerts.groups.flatMap((g) => g.rules);

test('monitoring: the Grafana dashboard queries only registered metrics and labels, and shows what operators look for', async () => {
  const series = await exposedSeries();
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/eso-vault-guard.json'), 'utf8')) as {
    uid: string; title: string; panels: { type: string; title: string; targets?: { expr: string }[] }[];
  };
  assert.equal(dashboard.uid, 'eso-vault-guard');
  const used = new Set<string>();
  for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
    assert.ok((panel.targets ?? []).length > 0, `${panel.title} has queries`);
    for (const t of panel.targets!) for (const m of checkExpr(t.expr, series, `panel "${panel.title}"`)) used.add(m);
  }
  for (const must of [
    'eso_vault_guard_admission_requests_total', // admissions by decision
    'eso_vault_guard_admission_duration_seconds_bucket', // latency histogram
    'eso_vault_guard_admission_findings_total',
    'eso_vault_guard_vault_requests_total', // Vault request rate and errors
    'eso_vault_guard_vault_breaker_open',
    'eso_vault_guard_vault_cache_hits_total', 'eso_vault_guard_vault_cache_misses_total', // cache hit rate
    'eso_vault_guard_audit_findings', // drift
  ]) assert.ok(used.has(must), `the dashboard shows ${must}`);
  assert.ok(dashboard.panels.some((p) => p.type === 'heatmap' && p.targets?.some((t) => t.expr.includes('admission_duration_seconds_bucket'))));
  assert.ok(dashboard.panels.some((p) => p.targets?.some((t) => /by \(decision\)/.test(t.expr))));
});

test('monitoring: alerts query registered metrics; the chart and the kustomize component carry the same rules', async () => {
  const series = await exposedSeries();
  assert.ok(alertRules.length >= 8);
  for (const r of alertRules) {
    checkExpr(r.expr, series, `alert ${r.alert}`);
    assert.match(r.alert, /^EsoVault[A-Za-z]+$/);
    assert.ok(r.for && r.labels?.severity && r.annotations?.summary, `${r.alert} has for, severity and summary`);
  }
  assert.equal(new Set(alertRules.map((r) => r.alert)).size, alertRules.length, 'alert names are unique');
  const component = parse(readFileSync(join(REPO_ROOT, 'deploy/components/monitoring/prometheusrule.yaml'), 'utf8')) as { kind: string; spec: unknown };
  assert.equal(component.kind, 'PrometheusRule');
  assert.deepEqual(component.spec, chartAlerts);
});

test('monitoring: every alert docs/operations.md and docs/audit.md recommend is a rule, expression for expression', () => {
  const exprs = new Set(alertRules.map((r) => r.expr.replace(/\s+/g, ' ').trim()));
  const ops = readFileSync(join(REPO_ROOT, 'docs/operations.md'), 'utf8');
  const table = ops.slice(ops.indexOf('## What to alert on'), ops.indexOf('\n## ', ops.indexOf('## What to alert on') + 5));
  const recommended = table.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.split(' | ').at(-1)!)
    .flatMap((cell) => [...cell.matchAll(/`([^`]*(?:rate|max|sum|kube_)[^`]*)`/g)].map((m) => m[1]!.replace(/\\\|/g, '|')));
  const audit = readFileSync(join(REPO_ROOT, 'docs/audit.md'), 'utf8');
  recommended.push(...[...audit.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!));
  assert.ok(recommended.length >= 9, `found the recommended alerts (${recommended.length})`);
  for (const r of recommended) assert.ok(exprs.has(r.trim()), `alerts.yaml has ${r}`);
});
