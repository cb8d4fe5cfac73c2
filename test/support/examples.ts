// The example folders of examples/ (manifests.yaml, vault-state.json, expected.json) as every test
// that replays them reads them: the webhook (test/checks/examples), `check` (test/cli/check-examples),
// the demo (test/demo) and the docs. One reader, one type of expected.json entry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { OWN_EXAMPLES_DIR } from './paths.js';

export type Obj = Record<string, unknown>;

/** One object of an example's expected.json: its decision and every finding code it gets. */
export interface ExpectedEntry {
  kind: string;
  namespace: string | null;
  name: string;
  decision: 'allow' | 'deny';
  codes: string[];
}

/** Folder names under examples/ that have an expected.json, sorted. */
export function exampleNames(): string[] {
  return readdirSync(OWN_EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(OWN_EXAMPLES_DIR, d.name, 'expected.json')))
    .map((d) => d.name)
    .sort();
}

/** Absolute paths of those folders. */
export function exampleDirs(): string[] {
  return exampleNames().map((name) => join(OWN_EXAMPLES_DIR, name));
}

export function loadManifests(dir: string): Obj[] {
  return parseAllDocuments(readFileSync(join(dir, 'manifests.yaml'), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Obj => d !== null && typeof d === 'object');
}

export function loadExpected(dir: string): ExpectedEntry[] {
  return JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ExpectedEntry[];
}
