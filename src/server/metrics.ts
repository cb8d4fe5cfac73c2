// One prom-client registry for the whole process; other modules register their metrics on it.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

export type AdmissionDecisionLabel = 'allowed' | 'denied' | 'would_deny' | 'fail_open' | 'fail_closed';

export interface AdmissionMetrics {
  requests: Counter<'kind' | 'operation' | 'decision' | 'dry_run'>;
  duration: Histogram<'webhook'>;
  inFlight: Gauge<'webhook'>;
  deadlineExceeded: Counter;
  malformed: Counter<'reason'>;
  findings: Counter<'code' | 'severity' | 'decision'>;
}

/** Registering twice on the same registry returns the metrics already there (prom-client would throw). */
export function registerOnce<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function admissionMetrics(registry: Registry): AdmissionMetrics {
  const registers = [registry];
  return {
    requests: registerOnce(
      registry,
      'eso_vault_guard_admission_requests_total',
      () =>
        new Counter({
          name: 'eso_vault_guard_admission_requests_total',
          help: 'Admission requests answered, by object kind, operation, decision and dry run.',
          labelNames: ['kind', 'operation', 'decision', 'dry_run'] as const,
          registers,
        }),
    ),
    duration: registerOnce(
      registry,
      'eso_vault_guard_admission_duration_seconds',
      () =>
        new Histogram({
          name: 'eso_vault_guard_admission_duration_seconds',
          help: 'Time from receiving an AdmissionReview to answering it.',
          labelNames: ['webhook'] as const,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    ),
    inFlight: registerOnce(
      registry,
      'eso_vault_guard_admission_in_flight',
      () =>
        new Gauge({
          name: 'eso_vault_guard_admission_in_flight',
          help: 'Admission requests being processed.',
          labelNames: ['webhook'] as const,
          registers,
        }),
    ),
    deadlineExceeded: registerOnce(
      registry,
      'eso_vault_guard_admission_deadline_exceeded_total',
      () =>
        new Counter({
          name: 'eso_vault_guard_admission_deadline_exceeded_total',
          help: 'Admissions answered by the failure mode because the checks ran past the deadline.',
          registers,
        }),
    ),
    malformed: registerOnce(
      registry,
      'eso_vault_guard_admission_malformed_requests_total',
      () =>
        new Counter({
          name: 'eso_vault_guard_admission_malformed_requests_total',
          help: 'Requests refused before admission because the body was not a usable AdmissionReview.',
          labelNames: ['reason'] as const,
          registers,
        }),
    ),
    // Bounded labels: `code` is one of FINDING_CODES, `severity` of three, `decision` of five.
    findings: registerOnce(
      registry,
      'eso_vault_guard_admission_findings_total',
      () =>
        new Counter({
          name: 'eso_vault_guard_admission_findings_total',
          help: 'Answered admissions carrying a finding, by finding code, its severity and the admission decision (once per code per admission).',
          labelNames: ['code', 'severity', 'decision'] as const,
          registers,
        }),
    ),
  };
}
