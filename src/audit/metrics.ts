// The audit's metrics. Labels stay low-cardinality: finding code and namespace, never an object or
// secret name.
import { Counter, Gauge, type Registry } from 'prom-client';
import { registerOnce } from '../server/metrics.js';

export interface AuditMetrics {
  /** Current findings of the last complete pass; reset every pass so fixed findings disappear. */
  findings: Gauge<'code' | 'namespace'>;
  passes: Counter<'result'>;
  lastPassTimestampSeconds: Gauge;
  lastPassDurationSeconds: Gauge;
  objectsChecked: Gauge;
  couldNotCheck: Counter<'kind'>;
}

export function createAuditMetrics(registry: Registry): AuditMetrics {
  const registers = [registry];
  return {
    findings: registerOnce(registry, 'eso_vault_guard_audit_findings', () => new Gauge({
      name: 'eso_vault_guard_audit_findings',
      help: 'Findings (error, warning, info) the last complete audit pass found, by finding code and namespace ("" for cluster-scoped objects). Vault being unavailable is not a finding here; see eso_vault_guard_audit_could_not_check_total.',
      labelNames: ['code', 'namespace'] as const,
      registers,
    })),
    passes: registerOnce(registry, 'eso_vault_guard_audit_passes_total', () => new Counter({
      name: 'eso_vault_guard_audit_passes_total',
      help: 'Audit passes by result: complete, or failed (the ExternalSecrets could not be listed).',
      labelNames: ['result'] as const,
      registers,
    })),
    lastPassTimestampSeconds: registerOnce(registry, 'eso_vault_guard_audit_last_pass_timestamp_seconds', () => new Gauge({
      name: 'eso_vault_guard_audit_last_pass_timestamp_seconds',
      help: 'Unix time at which the last complete audit pass ended (0 before the first).',
      registers,
    })),
    lastPassDurationSeconds: registerOnce(registry, 'eso_vault_guard_audit_last_pass_duration_seconds', () => new Gauge({
      name: 'eso_vault_guard_audit_last_pass_duration_seconds',
      help: 'How long the last complete audit pass took (mostly the objectsPerSecond rate limit).',
      registers,
    })),
    objectsChecked: registerOnce(registry, 'eso_vault_guard_audit_objects', () => new Gauge({
      name: 'eso_vault_guard_audit_objects',
      help: 'ExternalSecrets and stores the last complete audit pass checked.',
      registers,
    })),
    couldNotCheck: registerOnce(registry, 'eso_vault_guard_audit_could_not_check_total', () => new Counter({
      name: 'eso_vault_guard_audit_could_not_check_total',
      help: 'Objects an audit pass could not check fully (Vault unavailable, sealed, timed out, not configured, or a store unreadable from the API), by object kind.',
      labelNames: ['kind'] as const,
      registers,
    })),
  };
}
