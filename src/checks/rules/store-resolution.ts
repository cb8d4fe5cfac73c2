// Store resolution and static reference problems found by the ESO layer without Vault
// (store missing, ClusterSecretStore conditions, malformed references, file-path mountPath).
import type { EsoProblem } from '../../eso/model.js';
import type { Finding, Severity } from '../finding.js';

const SEVERITY: Record<EsoProblem['code'], Severity> = {
  StoreNotFound: 'error',
  StoreNamespaceNotAllowed: 'error',
  MalformedReference: 'error',
  InvalidMountPath: 'error',
  InvalidSelector: 'error',
  StoreOutOfScope: 'info',
};

export function storeResolutionFindings(problems: readonly EsoProblem[]): Finding[] {
  return problems.map((p) => ({
    code: p.code,
    severity: SEVERITY[p.code],
    field: p.field,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.fix ? { fix: p.fix } : {}),
  }));
}

/** True when a problem stops further checks of the reference (the store cannot be used as written). */
export function blocksReference(problems: readonly EsoProblem[]): boolean {
  return problems.some((p) => SEVERITY[p.code] === 'error');
}
