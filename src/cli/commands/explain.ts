// `explain --offline FILE|DIR|-`: what ESO will do for each secret reference of the given
// manifests (store, Vault request path, capability, property, identity), without Vault or a cluster.
// Exit 0 when explained, 2 on a usage or read/parse error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { createOfflineLookup } from '../../eso/offline-lookup.js';
import { explainObjects, formatExplainText } from '../../eso/explain.js';
import { parseEsoObject, type ParsedEsoObject } from '../../eso/parse.js';

class UsageError extends Error {}

interface ExplainOptions {
  offline?: boolean;
  format: string;
  controllerSa: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function manifestFiles(target: string): string[] {
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    throw new UsageError(`cannot read ${target}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) return [target];
  const out: string[] = [];
  for (const name of readdirSync(target).sort()) {
    const full = join(target, name);
    if (statSync(full).isDirectory()) out.push(...manifestFiles(full));
    else if (MANIFEST_EXTENSIONS.has(extname(name).toLowerCase())) out.push(full);
  }
  return out;
}

/** Every document of a multi-document YAML text (JSON is YAML); a `kind: List` is flattened. */
function documentsOf(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new UsageError(`${source}: ${doc.errors[0]?.message ?? 'YAML error'}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const v = value as Record<string, unknown>;
    if (typeof v === 'object' && v['kind'] === 'List' && Array.isArray(v['items'])) out.push(...(v['items'] as unknown[]));
    else out.push(value);
  }
  return out;
}

function readInput(target: string): unknown[] {
  if (target === '-') return documentsOf(readFileSync(0, 'utf8'), 'stdin');
  return manifestFiles(target).flatMap((f) => documentsOf(readFileSync(f, 'utf8'), f));
}

function parseControllerSa(value: string): { name: string; namespace: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value);
  if (!m) throw new UsageError(`--controller-sa must be NAMESPACE/NAME, found "${value}"`);
  return { namespace: m[1] as string, name: m[3] as string };
}

export function runExplain(target: string, opts: ExplainOptions): string {
  if (!opts.offline) throw new UsageError('explain needs --offline (it reads manifests only; use `check` to ask a live Vault)');
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, found "${opts.format}"`);
  const controller = parseControllerSa(opts.controllerSa);
  const objects: ParsedEsoObject[] = readInput(target).map((doc) => parseEsoObject(doc));
  const entries = explainObjects(objects, createOfflineLookup(objects, controller));
  return opts.format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : formatExplainText(entries);
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('show, per secret reference, the store, Vault request path, capability, property and identity ESO will use')
    .argument('<target>', 'manifest file, directory of manifests, or - for stdin')
    .option('--offline', 'use the manifests only (no Vault, no cluster)')
    .option('--format <format>', 'text or json', 'text')
    .option('--controller-sa <ns/name>', "ESO controller's ServiceAccount (used by kubernetes auth without serviceAccountRef)", 'external-secrets/external-secrets')
    .action((target: string, opts: ExplainOptions) => {
      try {
        process.stdout.write(runExplain(target, opts));
      } catch (e) {
        if (e instanceof UsageError) {
          process.stderr.write(`explain: ${e.message}\n`);
          process.exit(2);
        }
        throw e;
      }
    });
}
