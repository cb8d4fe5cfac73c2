// Finds the source line of a finding's field (`spec.data[1].remoteRef.property`) in the parsed
// YAML document, through the `yaml` library's node ranges. A field that is absent from the
// manifest (a finding about a missing value) points at its deepest present parent. The document's
// text is parsed again here (inputs keep no syntax trees); the last one is kept for its next finding.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { InputDocument } from './inputs.js';

interface Located {
  doc: InputDocument;
  yaml: Document.Parsed;
  lineCounter: LineCounter;
}

let last: Located | undefined;

function located(doc: InputDocument): Located {
  if (last?.doc !== doc) {
    const lineCounter = new LineCounter();
    last = { doc, yaml: parseDocument(doc.source, { lineCounter, prettyErrors: false }), lineCounter };
  }
  return last;
}

/** `spec.data[1].remoteRef.property` → ['spec', 'data', 1, 'remoteRef', 'property']. */
export function fieldSegments(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  // Segments are dot-separated names, `[n]` indexes, or `["name.with.dots"]` quoted keys.
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['([^']*)'\]/g;
  for (const m of field.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3].replace(/\\(.)/g, '$1'));
    else if (m[4] !== undefined) out.push(m[4]);
  }
  return out;
}

function lineOf(doc: Located, offset: number | undefined): number | undefined {
  return offset === undefined ? undefined : doc.doc.firstLine + doc.lineCounter.linePos(offset).line;
}

/** The object's node: the document's contents, or an item of a `kind: List`. */
function objectNode(doc: Located): Node | null {
  let node = doc.yaml.contents as Node | null;
  for (const seg of doc.doc.path) {
    if (typeof seg === 'number' && isSeq(node)) node = (node.items[seg] as Node | undefined) ?? null;
    else if (typeof seg === 'string' && isMap(node)) node = (node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg)?.value as Node | undefined) ?? null;
    else return null;
  }
  return node;
}

/** Line (1-based) of the object's first content line. */
export function documentLine(input: InputDocument): number {
  const doc = located(input);
  const contents = doc.yaml.contents as Node | null;
  return lineOf(doc, objectNode(doc)?.range?.[0]) ?? lineOf(doc, contents?.range?.[0]) ?? lineOf(doc, doc.yaml.range[0]) ?? input.firstLine + 1;
}

/** Line (1-based) of the field's key, or of its deepest present parent. */
export function fieldLine(input: InputDocument, field: string): number {
  const doc = located(input);
  let node = objectNode(doc);
  let line = documentLine(input);
  for (const seg of fieldSegments(field)) {
    if (typeof seg === 'number' && isSeq(node)) {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      line = lineOf(doc, item.range?.[0]) ?? line;
      node = item;
    } else if (typeof seg === 'string' && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      line = lineOf(doc, (pair.key as Node).range?.[0]) ?? line;
      node = (pair.value as Node | null) ?? null;
    } else {
      break;
    }
  }
  return line;
}
