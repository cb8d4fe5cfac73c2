// Reads the manifests `check` and `explain` are given, as kubeconform does: files, directories
// (recursively *.yaml, *.yml, *.json) and `-` for stdin, each as multi-document YAML (JSON is
// YAML), with a `kind: List` (what `kubectl get -o yaml` prints) unwrapped into its items. Files
// are streamed a line at a time and split at the document markers (`---`, `...` at column 0, which
// end a document wherever they stand in YAML), so a 50 MB file is never one string or one syntax
// tree; only the documents `keep` wants stay in memory whole, as their object and source text (the
// others as a stub that names them). A finding's line is found by parsing that text again.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { LineCounter, parseDocument } from 'yaml';

export const STDIN_NAME = '-';

export interface InputDocument {
  /** The file as given on the command line (or found under a given directory); `-` for stdin. */
  file: string;
  object: Record<string, unknown>;
  /** The document's own text, and the file's line (0-based) it starts on. */
  source: string;
  firstLine: number;
  /** Where the object sits in its YAML document: `[]`, or `['items', n]` inside a `kind: List`. */
  path: (string | number)[];
}

/** Files a directory contributes; a file named on the command line is read whatever its name. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** A problem with the input itself (unreadable file, YAML syntax): `check` exits 2. */
export class InputError extends Error {}

async function manifestFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await manifestFilesUnder(full)));
    else if (MANIFEST_FILE.test(e.name)) out.push(full);
  }
  return out;
}

/** Expands directories; files named explicitly are read whatever their extension. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === STDIN_NAME) {
      out.push(p);
      continue;
    }
    let info;
    try {
      info = await stat(p);
    } catch (err) {
      throw new InputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    out.push(...(info.isDirectory() ? await manifestFilesUnder(p) : [p]));
  }
  return [...new Set(out)];
}

const DOCUMENT_START = /^---(?:[ \t]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;

interface Chunk {
  text: string;
  firstLine: number;
}

/** Splits lines into documents' texts at column-0 markers. */
export async function* documentChunks(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<Chunk> {
  let current: string[] = [];
  let firstLine = 0;
  let lineNo = 0;
  const flush = (): Chunk | undefined => {
    const chunk = current.length > 0 ? { text: current.join('\n'), firstLine } : undefined;
    current = [];
    return chunk;
  };
  for await (const line of lines) {
    if (DOCUMENT_START.test(line)) {
      const chunk = flush();
      if (chunk) yield chunk;
      firstLine = lineNo;
    }
    if (current.length === 0) firstLine = lineNo;
    current.push(line);
    lineNo += 1;
    if (DOCUMENT_END.test(line)) {
      const chunk = flush();
      if (chunk) yield chunk;
    }
  }
  const chunk = flush();
  if (chunk) yield chunk;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The objects of one document's text (a `kind: List` gives its items); a syntax error names the file and the file's line. */
export function parseChunk(file: string, chunk: Chunk): InputDocument[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(chunk.text, { lineCounter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = chunk.firstLine + lineCounter.linePos(error.pos[0]).line;
    throw new InputError(`${file}:${line}: YAML syntax error: ${error.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS();
  if (!isObject(value)) return [];
  const at = (object: Record<string, unknown>, path: (string | number)[]): InputDocument => ({ file, object, source: chunk.text, firstLine: chunk.firstLine, path });
  if (value['kind'] === 'List' && Array.isArray(value['items'])) {
    return value['items'].flatMap((item: unknown, n) => (isObject(item) ? [at(item, ['items', n])] : []));
  }
  return [at(value, [])];
}

/** What a document `keep` does not want keeps: its name, for the summary of skipped objects. */
function stub(doc: InputDocument): InputDocument {
  const meta = isObject(doc.object['metadata']) ? doc.object['metadata'] : {};
  const object: Record<string, unknown> = { apiVersion: doc.object['apiVersion'], kind: doc.object['kind'], metadata: { name: meta['name'], namespace: meta['namespace'] } };
  return { file: doc.file, object, source: '', firstLine: doc.firstLine, path: [] };
}

/** Parses one file's text (all of it in memory: for small inputs and tests). */
export async function parseManifests(file: string, text: string): Promise<InputDocument[]> {
  const out: InputDocument[] = [];
  for await (const chunk of documentChunks(text.split(/\r?\n/))) {
    out.push(...parseChunk(file, chunk));
  }
  return out;
}

function inputStream(file: string, stdin: Readable | undefined): Readable {
  return file === STDIN_NAME ? (stdin ?? process.stdin) : createReadStream(file, { encoding: 'utf8' });
}

/** Every object of `paths`, read a line at a time; those `keep` does not want as a stub. None at all is an input error. */
export async function readInputs(paths: readonly string[], stdin: Readable | undefined, keep: (obj: Record<string, unknown>) => boolean = () => true): Promise<InputDocument[]> {
  if (paths.length === 0) throw new InputError('give at least one FILE, DIR or - (stdin)');
  const files = await expandPaths(paths);
  const out: InputDocument[] = [];
  for (const file of files) {
    const stream = inputStream(file, stdin);
    try {
      for await (const chunk of documentChunks(createInterface({ input: stream, crlfDelay: Infinity }))) {
        for (const doc of parseChunk(file, chunk)) out.push(keep(doc.object) ? doc : stub(doc));
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    } finally {
      if (file !== STDIN_NAME) stream.destroy();
    }
  }
  if (out.length === 0) throw new InputError(`no manifests found in ${paths.join(', ')}${files.length === 0 ? ' (no *.yaml, *.yml or *.json files)' : ''}`);
  return out;
}
