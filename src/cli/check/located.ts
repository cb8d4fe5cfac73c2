// Findings of a run in the shared report schema, each with the source line it points at
// (used by the sarif and github formats; the json format keeps the documented schema only).
import { reportFindings, summarise, type ReportFinding, type ReportSummary } from '../../report/report.js';
import { documentLine, fieldLine } from './field-lines.js';
import type { InputDocument } from './inputs.js';
import type { CheckedObject } from './run.js';

export interface LocatedFinding extends ReportFinding {
  file: string;
  /** 1-based line of the field's key, or of its deepest present parent. */
  line: number;
}

/** An input object `check` did not check (another kind, or an ESO version it does not model). */
export interface SkippedObject {
  apiVersion: string | null;
  kind: string | null;
  namespace: string | null;
  name: string | null;
  file: string;
  line: number;
  reason: string;
}

export interface CheckReport {
  findings: LocatedFinding[];
  summary: ReportSummary;
  /** Objects checked (ExternalSecrets and stores). */
  objects: number;
  /** Input objects not checked, in input order. */
  skipped: SkippedObject[];
  /** Distinct could-not-check reasons, in order of appearance. */
  couldNotCheck: string[];
  /** `--offline`: nothing was checked against Vault (said once, in the summary). */
  offline?: boolean;
}

/** The one line an offline run says instead of a could-not-check per object. */
export const OFFLINE_NOTE = 'offline: not checked against Vault';

/** A skipped input object, named as far as it names itself. */
export function skippedObject(doc: InputDocument, reason: string): SkippedObject {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const meta = (doc.object['metadata'] && typeof doc.object['metadata'] === 'object' ? doc.object['metadata'] : {}) as Record<string, unknown>;
  return {
    apiVersion: text(doc.object['apiVersion']),
    kind: text(doc.object['kind']),
    namespace: text(meta['namespace']),
    name: text(meta['name']),
    file: doc.file,
    line: documentLine(doc),
    reason,
  };
}

export function buildCheckReport(checked: readonly CheckedObject[], skipped: readonly SkippedObject[] = []): CheckReport {
  const findings: LocatedFinding[] = [];
  const reasons = new Set<string>();
  /** ESO objects the engine did not judge (a kind or API version it does not model). */
  const judgedSkips: SkippedObject[] = [];
  for (const { doc, result } of checked) {
    if (result.skipped !== undefined) judgedSkips.push(skippedObject(doc, result.skipped));
    for (const f of reportFindings({ result, file: doc.file })) findings.push({ ...f, file: doc.file, line: fieldLine(doc, f.field) });
    for (const c of result.couldNotCheck) reasons.add(c.reason);
  }
  return { findings, summary: summarise(findings), objects: checked.length - judgedSkips.length, skipped: [...skipped, ...judgedSkips], couldNotCheck: [...reasons] };
}

/** `ExternalSecret team-a/db`, `ClusterSecretStore vault`: the admission messages' wording. */
export { describeResource } from '../../checks/messages.js';
