// A PushSecret's spec.template as ESO v2.9.0 applies it before pushing
// (pkg/controllers/pushsecret/pushsecret_controller_template.go applyTemplate: templateFrom first,
// then data and metadata, always engine v2, over the source Secret's keys). The source Secret is not
// read, so which keys a template may read is not known and template keys are not judged; what is
// known is whether a templateFrom ConfigMap and its item keys exist (ESO reads them from the
// PushSecret's namespace, templating.Parser.MergeConfigMap). A failure there stops the push with
// "error fetching templateFrom data: …" (the reconcile returns it; no Ready condition is written).
// Template paths never change a Vault path.
import { planTemplates, sourceMissingText } from '../../eso/templates.js';
import type { Finding } from '../finding.js';
import type { TemplateSourceLookup } from '../template-sources.js';

type Obj = Record<string, unknown>;

/** The ExternalSecret wording's prefix that a PushSecret's applyTemplate does not add. */
const ES_PREFIX = 'could not apply template: ';

export async function pushTemplateFindings(spec: Obj, namespace: string, sources: TemplateSourceLookup | undefined, deadlineAtMs: number): Promise<Finding[]> {
  if (!sources || spec['template'] === null || typeof spec['template'] !== 'object') return [];
  // planTemplates reads an ExternalSecret's spec.target.template; a PushSecret's is spec.template.
  const plan = planTemplates({ spec: { target: { template: spec['template'] } } });
  if (!plan) return [];
  const field = (f: string): string => f.replace(/^spec\.target\.template/, 'spec.template');
  const out: Finding[] = [];
  for (const source of plan.sources) {
    if (source.kind !== 'configMap' || source.name === '') continue;
    const what = `ConfigMap ${namespace}/${source.name}`;
    const answer = await sources.configMap(namespace, source.name, source.items.map((i) => i.key), deadlineAtMs);
    const esoText = (key?: string): string => sourceMissingText(source, key).replace(ES_PREFIX, '');
    if (answer.status === 'not_found') {
      out.push({
        code: 'TemplateSourceNotFound',
        severity: 'error',
        field: `${field(source.field)}.name`,
        message: `Expected ${what} to exist (ESO reads a PushSecret's templateFrom ConfigMaps from its namespace), found none; ESO stops before pushing with ${JSON.stringify(esoText())}.`,
        hint: `Create the ConfigMap in namespace ${namespace}, or fix ${field(source.field)}.name.`,
      });
      continue;
    }
    if (answer.status !== 'ok') continue;
    for (const item of source.items) {
      if (answer.values[item.key] !== undefined) continue;
      out.push({
        code: 'TemplateSourceNotFound',
        severity: 'error',
        field: field(item.field),
        message: `Expected ${what} to hold key "${item.key}" in its data, found no such key; ESO stops before pushing with ${JSON.stringify(esoText(item.key))}.`,
        hint: `Add "${item.key}" to the ConfigMap's data, or fix ${field(item.field)}.`,
      });
    }
  }
  return out;
}
