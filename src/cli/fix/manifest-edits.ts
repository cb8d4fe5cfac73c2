// Sets values in a manifest file's text the way a person would: only the value's own characters
// change (its quoting style kept), a missing key is added on its own line under its siblings, and
// every comment, key order and blank line stays. Each edit is verified by parsing the result: the
// document must equal the original with exactly that one value set, or the edit is refused.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { fieldSegments } from '../check/field-lines.js';
import { documentChunks } from '../check/inputs.js';

export interface ManifestEdit {
  /** 0-based line of the file where the object's YAML document starts (InputDocument.firstLine). */
  firstLine: number;
  /** Where the object sits in its document: `[]`, or `['items', n]` in a `kind: List`. */
  objectPath: (string | number)[];
  /** Field in the object, in finding notation (`spec.data[0].remoteRef.property`). */
  field: string;
  value: string;
}

export interface EditOutcome {
  text: string;
  applied: ManifestEdit[];
  refused: { edit: ManifestEdit; reason: string }[];
}

/** The text of `value` as a scalar: in the style of the scalar it replaces, plain only where it reads back the same. */
function scalarText(value: string, like?: Scalar): string {
  if (like?.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (like?.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  const probe = parseDocument(`k: ${value}\n`);
  const readBack = probe.errors.length === 0 && isMap(probe.contents) ? (probe.toJS() as Record<string, unknown>)['k'] : undefined;
  return readBack === value && !value.includes('#') ? value : JSON.stringify(value);
}

function childOf(node: Node | null, seg: string | number): Node | null {
  if (typeof seg === 'number' && isSeq(node)) return (node.items[seg] as Node | undefined) ?? null;
  if (typeof seg === 'string' && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
    return (pair?.value as Node | undefined) ?? null;
  }
  return null;
}

function nodeAt(doc: Document.Parsed, path: readonly (string | number)[]): Node | null {
  let node = doc.contents as Node | null;
  for (const seg of path) node = childOf(node, seg);
  return node;
}

/** The text with one value set, by replacing its characters or inserting a line; undefined when neither applies. */
function textEdit(text: string, path: readonly (string | number)[], value: string): string | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true });
  if (doc.errors.length > 0) return undefined;
  const target = nodeAt(doc, path);
  if (target !== null) {
    if (!isScalar(target) || !target.range || target.type === Scalar.BLOCK_FOLDED || target.type === Scalar.BLOCK_LITERAL) return undefined;
    return `${text.slice(0, target.range[0])}${scalarText(value, target)}${text.slice(target.range[1])}`;
  }
  const key = path[path.length - 1];
  const parent = nodeAt(doc, path.slice(0, -1));
  if (typeof key !== 'string' || !isMap(parent) || parent.items.length === 0) return undefined;
  const first = parent.items[0];
  const last = parent.items[parent.items.length - 1];
  const firstKey = isPair(first) && isScalar(first.key) ? first.key : undefined;
  const lastNode = isPair(last) ? ((last.value as Node | null) ?? (last.key as Node | null)) : null;
  if (!firstKey?.range || !lastNode?.range) return undefined;
  // `{ name: x }` gains `, key: value` after its last entry.
  if (parent.flow) return `${text.slice(0, lastNode.range[1])}, ${scalarText(key)}: ${scalarText(value)}${text.slice(lastNode.range[1])}`;
  const indent = lineCounter.linePos(firstKey.range[0]).col - 1;
  // After the last sibling's last line (its value may be a nested block).
  const lastEnd = text.slice(0, lastNode.range[1]).trimEnd().length;
  const lineEnd = text.indexOf('\n', lastEnd);
  const at = lineEnd === -1 ? text.length : lineEnd;
  return `${text.slice(0, at)}\n${' '.repeat(indent)}${scalarText(key)}: ${scalarText(value)}${text.slice(at)}`;
}

/** The document's data with the value set, to compare an edited text against. */
function expectedData(text: string, path: readonly (string | number)[], value: string): unknown {
  const doc = parseDocument(text);
  doc.setIn(path as (string | number)[], value);
  return doc.toJS();
}

function applyToChunk(text: string, edit: ManifestEdit): string | string[] {
  const path = [...edit.objectPath, ...fieldSegments(edit.field)];
  const want = expectedData(text, path, edit.value);
  const edited = textEdit(text, path, edit.value);
  if (edited === undefined) return [`no place to set ${edit.field} in the text without rewriting the document`];
  const got = parseDocument(edited);
  if (got.errors.length > 0 || !isDeepStrictEqual(got.toJS(), want)) return [`setting ${edit.field} in the text would change more than that field`];
  return edited;
}

/** Applies the edits to one file's text, in order; an edit that cannot be made exactly is refused, never approximated. */
export async function applyManifestEdits(fileText: string, edits: readonly ManifestEdit[]): Promise<EditOutcome> {
  const eol = fileText.includes('\r\n') ? '\r\n' : '\n';
  // The documents as `check` split them (inputs.ts), so firstLine names the same document.
  const chunks: { firstLine: number; text: string }[] = [];
  for await (const chunk of documentChunks(fileText.split(/\r?\n/))) chunks.push(chunk);
  const texts = new Map(chunks.map((c) => [c.firstLine, c.text]));
  const applied: ManifestEdit[] = [];
  const refused: EditOutcome['refused'] = [];
  for (const edit of edits) {
    const text = texts.get(edit.firstLine);
    if (text === undefined) {
      refused.push({ edit, reason: `no YAML document starts at line ${edit.firstLine + 1}` });
      continue;
    }
    const result = applyToChunk(text, edit);
    if (typeof result === 'string') {
      texts.set(edit.firstLine, result);
      applied.push(edit);
    } else {
      refused.push({ edit, reason: result[0] ?? 'refused' });
    }
  }
  // Reassemble in file order; an edited document may have gained a line.
  const out: string[] = [];
  for (const c of chunks) out.push(...(texts.get(c.firstLine) ?? c.text).split('\n'));
  return { text: out.join(eol), applied, refused };
}
