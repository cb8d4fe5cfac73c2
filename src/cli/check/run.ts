// Checks every ExternalSecret and store of the input the way admission would see it: the identical
// rules of the validating webhook, each object with its own deadline.
import type { StoreLookup } from '../../eso/index.js';
import type { Trust } from '../../checks/disclosure.js';
import { checkObject, type CheckContext, type CheckResult } from '../../checks/engine.js';
import type { CaSourceLookup } from '../../checks/ca-sources.js';
import type { TemplateSourceLookup } from '../../checks/template-sources.js';
import type { TokenReviewAccess } from '../../checks/token-review-access.js';
import type { VaultFacts } from '../../vault/facts.js';
import type { InputDocument } from './inputs.js';
import { mapWithLimit } from './pool.js';
import { CHECK_REMEDIES } from './remedies.js';
import { isEsoApiVersion } from '../../checks/rules/not-checked.js';
import type { TemplateDelimiters } from '../../eso/go-template.js';
import type { ExistingObjectLookup } from '../../checks/existing-objects.js';

export const CHECKED_KINDS: readonly string[] = ['ExternalSecret', 'SecretStore', 'ClusterSecretStore'];
const NAMESPACED_KINDS: readonly string[] = ['ExternalSecret', 'SecretStore', 'PushSecret'];

export interface CheckedObject {
  doc: InputDocument;
  result: CheckResult;
}

export interface RunSettings {
  facts: VaultFacts;
  caSources?: CaSourceLookup;
  templateSources?: TemplateSourceLookup;
  templateDelimiters?: TemplateDelimiters;
  existingObjects?: ExistingObjectLookup;
  tokenReviews?: TokenReviewAccess;
  defaultAudiences: string[];
  trust: Trust;
  timeoutMs: number;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

type Obj = Record<string, unknown>;

/** The ESO API versions the checks model (the CRDs' served versions ESO v2.9.0 converts between). */
export const CHECKED_API_VERSIONS: readonly string[] = ['external-secrets.io/v1', 'external-secrets.io/v1beta1'];

/**
 * Why an input object is not checked, or undefined when it goes to the checks. Every ESO object goes
 * there: judged, or reported NotChecked by the engine and counted as skipped (never clean).
 */
export function skipReason(obj: Obj): string | undefined {
  if (isEsoApiVersion(obj['apiVersion'])) return undefined;
  if (obj['kind'] === 'Namespace') return 'read for its labels (ClusterSecretStore conditions), not checked';
  return 'not an External Secrets Operator object';
}

export function isCheckedObject(obj: Obj): boolean {
  return skipReason(obj) === undefined;
}

export function isChecked(doc: InputDocument): boolean {
  return isCheckedObject(doc.object);
}

/** kubectl puts a namespaced object without metadata.namespace into the current namespace. */
export function withNamespace(obj: Obj, namespace: string): Obj {
  if (!NAMESPACED_KINDS.includes(String(obj['kind']))) return obj;
  const meta = (obj['metadata'] && typeof obj['metadata'] === 'object' ? obj['metadata'] : {}) as Obj;
  if (typeof meta['namespace'] === 'string' && meta['namespace'] !== '') return obj;
  return { ...obj, metadata: { ...meta, namespace } };
}

function timedOut(obj: Obj, timeoutMs: number): CheckResult {
  const meta = (obj['metadata'] ?? {}) as Obj;
  return {
    findings: [],
    couldNotCheck: [{ reason: `the check did not finish within --timeout-ms ${timeoutMs}` }],
    resource: {
      kind: String(obj['kind'] ?? ''),
      name: String(meta['name'] ?? ''),
      ...(typeof meta['namespace'] === 'string' ? { namespace: meta['namespace'] } : {}),
    },
    annotations: {},
  };
}

/** Rules honour the deadline through VaultFacts; the race is a backstop against anything that does not. */
async function withDeadline(work: Promise<CheckResult>, obj: Obj, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(timedOut(obj, timeoutMs)), timeoutMs + 1_000);
  });
  try {
    return await Promise.race([work, backstop]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkAll(
  docs: readonly { doc: InputDocument; object: Obj }[],
  lookup: StoreLookup,
  settings: RunSettings,
): Promise<CheckedObject[]> {
  let done = 0;
  return mapWithLimit(docs, settings.concurrency, async ({ doc, object }) => {
    const deadlineAtMs = Date.now() + settings.timeoutMs;
    const work = (async (): Promise<CheckResult> => {
      const ctx: CheckContext = {
        facts: settings.facts,
        lookup,
        deadlineAtMs,
        audience: { defaultAudiences: settings.defaultAudiences },
        trust: settings.trust,
        remedies: CHECK_REMEDIES,
        ...(settings.caSources ? { caSources: settings.caSources } : {}),
        ...(settings.templateSources ? { templateSources: settings.templateSources } : {}),
        ...(settings.templateDelimiters ? { templateDelimiters: settings.templateDelimiters } : {}),
        ...(settings.existingObjects ? { existingObjects: settings.existingObjects } : {}),
        ...(settings.tokenReviews ? { tokenReviews: settings.tokenReviews } : {}),
      };
      return checkObject(object, ctx);
    })();
    const result = await withDeadline(work, object, settings.timeoutMs);
    done += 1;
    settings.onProgress?.(done, docs.length);
    return { doc, result };
  });
}
