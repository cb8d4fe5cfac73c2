// The templates ESO renders for an ExternalSecret's target Secret, in its order
// (externalsecret_controller_template.go ApplyTemplate, controllers/templating/parser.go):
// templateFrom entries (each: configMap items, secret items, literal), then template.data, then
// metadata.labels, then metadata.annotations, all with the data map (every key the ExternalSecret
// produces) and missingkey=error (runtime/template/v2/template.go). Each entry carries the name Go
// gives the template and the words ESO wraps around a render error, so findings quote ESO exactly.
import { goQuote, type TemplateKeyRef } from './go-template.js';

type Obj = Record<string, unknown>;

export interface TemplateEntry {
  /** Field that holds the template (for a ConfigMap item: the item's `key` field). */
  field: string;
  /** Where the text lives, for people: `spec.target.template.data.url`, `ConfigMap team/tpl key "config"`. */
  where: string;
  /** Go's template name: the key (Values scope) or the whole text (KeysAndValues, literal). */
  name: string;
  text: string;
  /** ESO's error text up to the render error. */
  prefix: string;
}

export interface TemplateItemRef {
  field: string;
  key: string;
  templateAs: string;
}

export interface TemplateSourceRef {
  /** `spec.target.template.templateFrom[0].configMap`. */
  field: string;
  kind: 'configMap' | 'secret';
  name: string;
  items: TemplateItemRef[];
}

export interface TemplatePlan {
  /** Templates whose text is in the ExternalSecret itself, in ESO's order. */
  inline: TemplateEntry[];
  /** ConfigMap and Secret sources, in ESO's order. */
  sources: TemplateSourceRef[];
}

const FROM_PREFIX = 'could not apply template: error fetching templateFrom data: ';
// ApplyTemplate and Parser.MergeMap both wrap with errExecTpl.
const MAP_PREFIX = 'could not apply template: could not execute template: could not execute template: ';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/**
 * The templates ESO renders, or undefined when it renders none: no template, an engine other
 * than v2, or creationPolicy None (ESO then writes no Secret and applies no template).
 */
export function planTemplates(raw: Obj): TemplatePlan | undefined {
  const spec = obj(raw['spec']) ?? {};
  const target = obj(spec['target']) ?? {};
  if (target['creationPolicy'] === 'None') return undefined;
  const t = obj(target['template']);
  if (!t) return undefined;
  if (t['engineVersion'] !== undefined && t['engineVersion'] !== 'v2') return undefined;
  const base = 'spec.target.template';
  const inline: TemplateEntry[] = [];
  const sources: TemplateSourceRef[] = [];
  const from = Array.isArray(t['templateFrom']) ? (t['templateFrom'] as unknown[]) : [];
  from.forEach((entry, i) => {
    const e = obj(entry) ?? {};
    const f = `${base}.templateFrom[${i}]`;
    for (const kind of ['configMap', 'secret'] as const) {
      const ref = obj(e[kind]);
      if (!ref) continue;
      const items = (Array.isArray(ref['items']) ? (ref['items'] as unknown[]) : []).map((it, j): TemplateItemRef => {
        const o = obj(it) ?? {};
        return { field: `${f}.${kind}.items[${j}].key`, key: str(o['key']) ?? '', templateAs: str(o['templateAs']) ?? 'Values' };
      });
      sources.push({ field: `${f}.${kind}`, kind, name: str(ref['name']) ?? '', items });
    }
    const literal = str(e['literal']);
    if (literal !== undefined) inline.push({ field: `${f}.literal`, where: `${f}.literal`, name: literal, text: literal, prefix: FROM_PREFIX });
  });
  const maps: [string, unknown][] = [
    [`${base}.data`, t['data']],
    [`${base}.metadata.labels`, obj(t['metadata'])?.['labels']],
    [`${base}.metadata.annotations`, obj(t['metadata'])?.['annotations']],
  ];
  for (const [field, m] of maps) {
    for (const [k, v] of Object.entries(obj(m) ?? {})) {
      if (typeof v === 'string') inline.push({ field: `${field}.${k}`, where: `${field}.${k}`, name: k, text: v, prefix: MAP_PREFIX });
    }
  }
  return { inline, sources };
}

/** The templates of one ConfigMap/Secret item as ESO executes them (templateAs decides the name). */
export function sourceItemEntry(source: TemplateSourceRef, item: TemplateItemRef, namespace: string, value: string): TemplateEntry {
  const what = source.kind === 'configMap' ? 'ConfigMap' : 'Secret';
  return {
    field: item.field,
    where: `${what} ${namespace}/${source.name} key ${JSON.stringify(item.key)}`,
    // Values: out[item.key] = value; KeysAndValues: out[value] = value (Go's template name).
    name: item.templateAs === 'KeysAndValues' ? value : item.key,
    text: value,
    prefix: FROM_PREFIX,
  };
}

/** ESO's text for a missing ConfigMap/Secret (the API server's NotFound) or item key. */
export function sourceMissingText(source: TemplateSourceRef, missingKey?: string): string {
  const resource = source.kind === 'configMap' ? 'configmaps' : 'secrets';
  if (missingKey === undefined) return `${FROM_PREFIX}${resource} ${goQuote(source.name)} not found`;
  return `${FROM_PREFIX}error in ${source.kind === 'configMap' ? 'configmap' : 'secret'} ${source.name}: missing key ${missingKey}`;
}

/** ESO's render error for a key the data map lacks (runtime/template/v2 execute, valueScopeApply/mapScopeApply). */
export function missingKeyText(entry: TemplateEntry, ref: TemplateKeyRef): string {
  const k = entry.name;
  return `${entry.prefix}unable to execute template at key ${k}: unable to execute template at key ${k}: template: ${k}:${ref.line}:${ref.column}: executing ${goQuote(k)} at <${ref.node}>: map has no entry for key ${goQuote(ref.key)}`;
}
