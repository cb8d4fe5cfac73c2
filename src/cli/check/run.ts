// Checks every ExternalSecret and store of the input the way admission would see it: first the
// mutating webhook's safe defaults (reported as `Defaulted` warnings, since the file relies on
// them), then the identical rules of the validating webhook, each object with its own deadline.
import type { StoreLookup } from '../../eso/index.js';
import type { Trust } from '../../checks/disclosure.js';
import { checkObject, type CheckContext, type CheckResult } from '../../checks/engine.js';
import type { Finding } from '../../checks/finding.js';
import { computePatch } from '../../checks/mutate.js';
import { gatherMutationFacts } from '../../checks/mutate-facts.js';
import type { JsonPatchOperation } from '../../server/decision.js';
import type { VaultFacts } from '../../vault/facts.js';
import type { InputDocument } from './inputs.js';
import { mapWithLimit } from './pool.js';
import { isEsoApiVersion } from '../../checks/rules/not-checked.js';

export const CHECKED_KINDS: readonly string[] = ['ExternalSecret', 'SecretStore', 'ClusterSecretStore'];
const NAMESPACED_KINDS: readonly string[] = ['ExternalSecret', 'SecretStore'];

export interface CheckedObject {
  doc: InputDocument;
  result: CheckResult;
}

export interface RunSettings {
  facts: VaultFacts;
  defaultAudiences: string[];
  trust: Trust;
  timeoutMs: number;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

type Obj = Record<string, unknown>;

/** Every ESO object goes to the checks: judged, or reported NotChecked and counted as skipped (never clean). */
export function isChecked(doc: InputDocument): boolean {
  return isEsoApiVersion(doc.object['apiVersion']);
}

/** kubectl puts a namespaced object without metadata.namespace into the current namespace. */
export function withNamespace(obj: Obj, namespace: string): Obj {
  if (!NAMESPACED_KINDS.includes(String(obj['kind']))) return obj;
  const meta = (obj['metadata'] && typeof obj['metadata'] === 'object' ? obj['metadata'] : {}) as Obj;
  if (typeof meta['namespace'] === 'string' && meta['namespace'] !== '') return obj;
  return { ...obj, metadata: { ...meta, namespace } };
}

/** JSON Patch `add` operations as /mutate emits them (parents exist). */
export function applyPatch(obj: Obj, patch: readonly JsonPatchOperation[]): Obj {
  const out = structuredClone(obj);
  for (const op of patch) {
    if (op.op !== 'add') continue;
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur: unknown = out;
    for (const p of parts.slice(0, -1)) cur = cur && typeof cur === 'object' ? (cur as Obj)[p] : undefined;
    if (cur && typeof cur === 'object') (cur as Obj)[parts[parts.length - 1] as string] = op.value;
  }
  return out;
}

/** `[Defaulted] field: text` → a warning finding on that field. */
export function defaultedFinding(note: string): Finding {
  const m = /^\[Defaulted\]\s+([^:\s]+):\s*(.*)$/s.exec(note);
  const field = m?.[1] ?? 'spec';
  const what = m?.[2] ?? note;
  return {
    code: 'Defaulted',
    severity: 'warning',
    field,
    message: `the admission webhook will fill this absent field: ${what}`,
    hint: 'Write the value into the manifest so it does not depend on the webhook defaulting it.',
  };
}

export interface Mutated {
  object: Obj;
  findings: Finding[];
}

export async function mutate(obj: Obj, ctx: { facts: VaultFacts; lookup: StoreLookup; deadlineAtMs: number }): Promise<Mutated> {
  const { patch, notes } = computePatch(obj, await gatherMutationFacts(obj, ctx));
  return { object: patch.length > 0 ? applyPatch(obj, patch) : obj, findings: notes.map(defaultedFinding) };
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

/** `objects` were already defaulted when they are stores (their admitted form is in `lookup`); `extra` holds their Defaulted findings. */
export async function checkAll(
  docs: readonly { doc: InputDocument; object: Obj; extra: Finding[] }[],
  lookup: StoreLookup,
  settings: RunSettings,
): Promise<CheckedObject[]> {
  let done = 0;
  return mapWithLimit(docs, settings.concurrency, async ({ doc, object, extra }) => {
    const deadlineAtMs = Date.now() + settings.timeoutMs;
    const work = (async (): Promise<CheckResult> => {
      const mutated = object['kind'] === 'ExternalSecret' ? await mutate(object, { facts: settings.facts, lookup, deadlineAtMs }) : { object, findings: [] };
      const ctx: CheckContext = {
        facts: settings.facts,
        lookup,
        deadlineAtMs,
        audience: { defaultAudiences: settings.defaultAudiences },
        trust: settings.trust,
      };
      const result = await checkObject(mutated.object, ctx);
      return { ...result, findings: [...extra, ...mutated.findings, ...result.findings] };
    })();
    const result = await withDeadline(work, object, settings.timeoutMs);
    done += 1;
    settings.onProgress?.(done, docs.length);
    return { doc, result };
  });
}
