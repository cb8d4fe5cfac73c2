// target.template (engine v2) as ESO renders it: every template (templateFrom ConfigMap items and
// literals, data, metadata labels/annotations) executes with missingkey=error over the keys the
// ExternalSecret produces, so `{{ .pasword }}` fails the sync; a templateFrom ConfigMap or item
// key that does not exist fails it too. Keys are judged only when all of them are known (spec.data,
// and dataFrom entries whose keys the reference checks derived), references only where Go
// certainly evaluates them (go-template.ts). Secrets holding
// templates are never read: "not verifiable".
import type { ExternalSecretModel } from '../../eso/model.js';
import { templateKeyRefs, type TemplateDelimiters } from '../../eso/go-template.js';
import { missingKeyText, planTemplates, sourceItemEntry, sourceMissingText, type TemplateEntry, type TemplateSourceRef } from '../../eso/templates.js';
import type { Finding } from '../finding.js';
import { closestNames } from '../suggest.js';
import type { TemplateSourceLookup } from '../template-sources.js';

export { templateKeyRefs };

export interface TemplateCheckEnv {
  /** Where templateFrom ConfigMaps are read; absent: not read, and nothing is said about them. */
  sources?: TemplateSourceLookup;
  deadlineAtMs: number;
  /** Every key the ExternalSecret produces, where known (dataFrom keys come from Vault); absent: spec.data's, when there is no dataFrom. */
  produced?: readonly string[] | undefined;
  /** ESO's --template-left-delimiter/--template-right-delimiter; absent: Go's defaults. */
  delimiters?: TemplateDelimiters;
}

/** A template's text in ESO's message, shortened when ESO repeats a long or multi-line text as its name. */
function shortName(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return text.length > 80 || text.includes('\n') ? `${first.slice(0, 60)}…` : text;
}

function keyFinding(entry: TemplateEntry, produced: readonly string[], delimiters?: TemplateDelimiters): Finding | undefined {
  const refs = templateKeyRefs(entry.text, delimiters) ?? [];
  // In evaluation order; a field of a produced key (a string) fails differently first: stop there.
  const first = refs.find((r) => !produced.includes(r.key) || r.chained);
  if (!first || produced.includes(first.key)) return undefined;
  const missing = first;
  const text = missingKeyText({ ...entry, name: shortName(entry.name) }, missing);
  const close = closestNames(missing.key, produced);
  const inWhere = entry.where === entry.field ? 'The template' : `The template in ${entry.where}`;
  return {
    code: 'TemplateKeyNotFound',
    severity: 'error',
    field: entry.field,
    message: `${inWhere} reads "${missing.key}", but this ExternalSecret produces only ${produced.map((k) => `"${k}"`).join(', ') || 'no keys'}; ESO renders with missingkey=error and fails with ${JSON.stringify(text)}.`,
    hint: close.length > 0 ? `Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : `Add a spec.data entry with secretKey "${missing.key}", or fix the template.`,
  };
}

function notVerifiable(field: string, what: string, why: string): Finding {
  return { code: 'NotVerifiable', severity: 'info', field, message: `The templates in ${what} are not checked: ${why}.` };
}

async function sourceFindings(source: TemplateSourceRef, namespace: string, produced: readonly string[] | undefined, env: TemplateCheckEnv): Promise<Finding[]> {
  if (source.kind === 'secret') {
    return [notVerifiable(source.field, `Secret ${namespace}/${source.name}`, 'the webhook does not read Secrets; ESO fails if the Secret or an item key is missing, or a template reads a key this ExternalSecret does not produce')];
  }
  if (!env.sources || source.name === '') return [];
  const what = `ConfigMap ${namespace}/${source.name}`;
  const answer = await env.sources.configMap(namespace, source.name, source.items.map((i) => i.key), env.deadlineAtMs);
  switch (answer.status) {
    case 'not_verifiable':
      return [notVerifiable(source.field, what, answer.reason)];
    case 'unavailable':
      return [notVerifiable(source.field, what, `it could not be read (${answer.detail})`)];
    case 'not_found':
      return [{
        code: 'TemplateSourceNotFound',
        severity: 'error',
        field: `${source.field}.name`,
        message: `Expected ${what} to exist (ESO reads templateFrom ConfigMaps from the ExternalSecret's namespace), found none; ESO fails with ${JSON.stringify(sourceMissingText(source))}.`,
        hint: `Create the ConfigMap in namespace ${namespace}, or fix ${source.field}.name.`,
      }];
    case 'ok': {
      const out: Finding[] = [];
      for (const item of source.items) {
        const value = answer.values[item.key];
        if (value === undefined) {
          out.push({
            code: 'TemplateSourceNotFound',
            severity: 'error',
            field: item.field,
            message: `Expected ${what} to hold key "${item.key}" in its data, found no such key; ESO fails with ${JSON.stringify(sourceMissingText(source, item.key))}.`,
            hint: `Add "${item.key}" to the ConfigMap's data, or fix ${item.field}.`,
          });
          continue;
        }
        if (!produced) continue;
        const f = keyFinding(sourceItemEntry(source, item, namespace, value), produced, env.delimiters);
        if (f) out.push(f);
      }
      return out;
    }
  }
}

export async function templateFindings(es: ExternalSecretModel, env: TemplateCheckEnv): Promise<Finding[]> {
  const plan = planTemplates(es.raw);
  if (!plan) return [];
  // Keys from dataFrom depend on Vault (and generators on nothing we read): known only when the
  // reference checks could derive every entry's keys.
  const produced = env.produced ?? (es.dataFrom.length > 0 ? undefined : es.data.map((d) => d.secretKey));
  const out: Finding[] = [];
  const fromSources = await Promise.all(plan.sources.map((s) => sourceFindings(s, es.namespace, produced, env)));
  for (const f of fromSources) out.push(...f);
  if (produced) {
    for (const entry of plan.inline) {
      const f = keyFinding(entry, produced, env.delimiters);
      if (f) out.push(f);
    }
  }
  return out;
}
