// Store resolution and static reference problems found by the ESO layer without Vault
// (store missing, ClusterSecretStore conditions, malformed references, file-path mountPath).
import type { EsoProblem } from '../../eso/model.js';
import type { Finding } from '../finding.js';
import { FINDING_REGISTRY } from '../finding-codes.js';

/** Problems found without Vault take their code's severity from the registry (which must hold every ESO-layer code). */
const severityOf = (p: EsoProblem) => FINDING_REGISTRY[p.code].severity;

export function storeResolutionFindings(problems: readonly EsoProblem[]): Finding[] {
  return problems.map((p) => ({
    code: p.code,
    severity: severityOf(p),
    field: p.field,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.fix ? { fix: p.fix } : {}),
  }));
}

/** True when a problem stops further checks of the reference (the store cannot be used as written). */
export function blocksReference(problems: readonly EsoProblem[]): boolean {
  return problems.some((p) => severityOf(p) === 'error');
}
