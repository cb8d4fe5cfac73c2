// Renders the kustomize trees under deploy/ with `kubectl kustomize` and gives the objects back.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './paths.js';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  [k: string]: unknown;
};

export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

const rendered = new Map<string, Manifest[]>();

/** A tree of deploy/ (rendered once per process: no test changes those files; each caller gets its own copy). */
export function renderKustomize(relativeDir: string): Manifest[] {
  let objects = rendered.get(relativeDir);
  if (!objects) {
    objects = renderKustomizeAt(join(REPO_ROOT, relativeDir));
    rendered.set(relativeDir, objects);
  }
  return structuredClone(objects);
}

/** Any kustomization folder (e.g. a test's temporary overlay on top of deploy/). */
export function renderKustomizeAt(dir: string): Manifest[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest).filter(Boolean);
}

export function findOne(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}
