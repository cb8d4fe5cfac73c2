// target.template (engine v2) references to keys the ExternalSecret does not produce. ESO renders
// with missingkey=error (runtime/template/v2/template.go), so `{{ .pasword }}` fails the sync with
// "unable to execute template at key <k>: … map has no entry for key "pasword"". Judged only when
// every key is known (spec.data only) and only for templates whose dot is the data map (no
// range/with/define blocks).
import type { ExternalSecretModel } from '../../eso/model.js';
import type { Finding } from '../finding.js';
import { closestNames } from '../suggest.js';

type Obj = Record<string, unknown>;

const BLOCKS = /\{\{-?\s*(range|with|define|block|template)\b/;

/** Go template actions (`{{ … }}`), with string literals inside them kept whole, as the lexer reads them. */
function actions(text: string): string[] {
  const out: string[] = [];
  let i = text.indexOf('{{');
  while (i >= 0) {
    let j = i + 2;
    let body = '';
    while (j < text.length && !text.startsWith('}}', j)) {
      const c = text[j] as string;
      if (c === '"' || c === '`') {
        const end = c === '"' ? /^"(?:[^"\\]|\\.)*"/.exec(text.slice(j)) : /^`[^`]*`/.exec(text.slice(j));
        if (!end) return out;
        body += end[0];
        j += end[0].length;
        continue;
      }
      body += c;
      j += 1;
    }
    out.push(body);
    i = text.indexOf('{{', j + 2);
  }
  return out;
}

/** Top-level keys a template reads from its data map, in order of appearance; undefined when not judged. */
export function templateKeyRefs(text: string): string[] | undefined {
  if (BLOCKS.test(text)) return undefined;
  const refs: string[] = [];
  for (const action of actions(text)) {
    for (const idx of action.matchAll(/\bindex\s+\$?\.\s+"((?:[^"\\]|\\.)*)"/g)) refs.push(JSON.parse(`"${idx[1] ?? ''}"`) as string);
    // String literals hold no field references.
    const bare = action.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""');
    for (const f of bare.matchAll(/(?:^|[\s(|,=])\$?\.([A-Za-z_][A-Za-z0-9_]*)/g)) refs.push(f[1] as string);
  }
  return refs;
}

function templateEntries(raw: Obj): { field: string; name: string; text: string }[] {
  const spec = (raw['spec'] ?? {}) as Obj;
  const target = (spec['target'] ?? {}) as Obj;
  const template = target['template'];
  if (!template || typeof template !== 'object') return [];
  const t = template as Obj;
  if (t['engineVersion'] !== undefined && t['engineVersion'] !== 'v2') return [];
  const out: { field: string; name: string; text: string }[] = [];
  const data = t['data'];
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Obj)) if (typeof v === 'string') out.push({ field: `spec.target.template.data.${k}`, name: k, text: v });
  }
  const from = Array.isArray(t['templateFrom']) ? (t['templateFrom'] as unknown[]) : [];
  from.forEach((entry, i) => {
    const literal = entry && typeof entry === 'object' ? (entry as Obj)['literal'] : undefined;
    if (typeof literal === 'string') out.push({ field: `spec.target.template.templateFrom[${i}].literal`, name: literal, text: literal });
  });
  return out;
}

export function templateKeyFindings(es: ExternalSecretModel): Finding[] {
  // Keys from dataFrom depend on Vault (and generators on nothing we read): judge only spec.data.
  if (es.dataFrom.length > 0) return [];
  const produced = es.data.map((d) => d.secretKey);
  const out: Finding[] = [];
  for (const entry of templateEntries(es.raw)) {
    const refs = templateKeyRefs(entry.text);
    const missing = refs?.find((r) => !produced.includes(r));
    if (missing === undefined) continue;
    const close = closestNames(missing, produced);
    out.push({
      code: 'TemplateKeyNotFound',
      severity: 'error',
      field: entry.field,
      message: `The template reads "${missing}", but this ExternalSecret produces only ${produced.map((k) => `"${k}"`).join(', ') || 'no keys'}; ESO renders with missingkey=error and fails with "unable to execute template at key ${entry.name}: template: ${entry.name}:…: map has no entry for key \\"${missing}\\"".`,
      hint: close.length > 0 ? `Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : `Add a spec.data entry with secretKey "${missing}", or fix the template.`,
    });
  }
  return out;
}
