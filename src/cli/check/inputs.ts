// Reads the manifests `check` and `explain` are given, as kubeconform does: files, directories
// (recursively *.yaml, *.yml, *.json) and `-` for stdin, each as multi-document YAML (JSON is
// YAML), with a `kind: List` (what `kubectl get -o yaml` prints) unwrapped into its items. Every
// object keeps its source position so findings can point at a line (SARIF, GitHub annotations).
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

export const STDIN_NAME = '-';

export interface InputDocument {
  /** The file as given on the command line (or found under a given directory); `-` for stdin. */
  file: string;
  object: Record<string, unknown>;
  yaml: Document.Parsed;
  lineCounter: LineCounter;
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses one file's text; a syntax error names the file and the line. A `kind: List` gives its items. */
export function parseManifests(file: string, text: string): InputDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  const out: InputDocument[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const line = lineCounter.linePos(error.pos[0]).line;
      throw new InputError(`${file}:${line}: YAML syntax error: ${error.message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS();
    if (!isObject(value)) continue;
    if (value['kind'] === 'List' && Array.isArray(value['items'])) {
      value['items'].forEach((item: unknown, n) => {
        if (isObject(item)) out.push({ file, object: item, yaml: doc, lineCounter, path: ['items', n] });
      });
    } else {
      out.push({ file, object: value, yaml: doc, lineCounter, path: [] });
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every object of the given paths; none at all is an input error ("no manifests found"). */
export async function readInputs(paths: readonly string[]): Promise<InputDocument[]> {
  if (paths.length === 0) throw new InputError('give at least one FILE, DIR or - (stdin)');
  const files = await expandPaths(paths);
  const out: InputDocument[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = file === STDIN_NAME ? await readStdin() : await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    out.push(...parseManifests(file, text));
  }
  if (out.length === 0) throw new InputError(`no manifests found in ${paths.join(', ')}${files.length === 0 ? ' (no *.yaml, *.yml or *.json files)' : ''}`);
  return out;
}
