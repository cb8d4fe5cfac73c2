// One `fix` run: check the files as `check` does, apply the findings' certain fixes (FieldFix) to the
// files' text, check again until nothing more is certain, print the change as a unified diff and
// what is left as `check` would. Only the fixes rules mark certain are applied: a "did you mean"
// with several candidates, or two fixes for one field, stays a finding.
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { checkDocuments, keptForCheck, type CheckIo } from '../check/check-run.js';
import { CheckConfigError } from '../check/errors.js';
import { EXIT_CANNOT_RUN, exitDecision } from '../check/exit-code.js';
import { renderReport } from '../check/format.js';
import { expandPaths, InputError, parseManifests, STDIN_NAME, type InputDocument } from '../check/inputs.js';
import { buildCheckReport, describeResource, type CheckReport } from '../check/located.js';
import type { CheckOptions } from '../check/options.js';
import type { CheckedObject } from '../check/run.js';
import { applyManifestEdits, type ManifestEdit } from './manifest-edits.js';

export interface FixOptions {
  check: CheckOptions;
  /** Change the files in place (else only print the diff). */
  write: boolean;
}

/** A fix made possible by another (the store kind, then the property of the secret it reads) is applied in a later round. */
const MAX_ROUNDS = 3;

interface FileEdit extends ManifestEdit {
  file: string;
  /** For the summary: the finding the edit fixes. */
  label: string;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

/** The certain fixes of the results; two different values for one field are no certain fix. */
function editsOf(checked: readonly CheckedObject[]): FileEdit[] {
  const byField = new Map<string, FileEdit[]>();
  for (const { doc, result } of checked) {
    for (const f of result.findings) {
      if (!f.fix) continue;
      const edit: FileEdit = {
        file: doc.file,
        firstLine: doc.firstLine,
        objectPath: doc.path,
        field: f.fix.field,
        value: f.fix.value,
        label: `${describeResource({ ...result.resource, namespace: result.resource.namespace ?? null })}: [${f.code}] ${f.fix.field}: ${JSON.stringify(f.fix.value)}`,
      };
      const key = JSON.stringify([doc.file, doc.firstLine, doc.path, f.fix.field]);
      byField.set(key, [...(byField.get(key) ?? []), edit]);
    }
  }
  return [...byField.values()].flatMap((edits) => (new Set(edits.map((e) => e.value)).size === 1 && edits[0] ? [edits[0]] : []));
}

async function documentsOf(texts: ReadonlyMap<string, string>): Promise<InputDocument[]> {
  const out: InputDocument[] = [];
  for (const [file, text] of texts) out.push(...(await parseManifests(file, text)).filter((d) => keptForCheck(d.object)));
  if (out.length === 0) throw new InputError(`no manifests found in ${[...texts.keys()].join(', ')}`);
  return out;
}

/** What one fix run found and changed, before it is printed. */
export interface FixOutcome {
  /** Unified diffs of the changed files, in input order. */
  diffs: string[];
  applied: string[];
  refused: string[];
  /** What remains after the fixes, as `check` reports it. */
  report: CheckReport;
}

/**
 * Checks and fixes in memory (writing only with opts.write); a number is the exit code of a run that
 * could not go on. `displayRoot` names files relative to it in the diff and the report.
 */
export async function fixFiles(paths: readonly string[], opts: FixOptions, io: CheckIo, displayRoot?: string): Promise<FixOutcome | number> {
  if (paths.length === 0) throw new CheckConfigError('give at least one FILE or DIR to fix');
  if (paths.includes(STDIN_NAME)) throw new CheckConfigError('fix changes files: give FILEs or DIRs, not - (stdin)');
  const files = await expandPaths(paths);
  const shown = (file: string): string => (displayRoot === undefined ? file : relative(displayRoot, file));
  const original = new Map<string, string>();
  for (const file of files) original.set(shown(file), await readFile(file, 'utf8'));
  const realPath = new Map(files.map((f) => [shown(f), f]));
  const current = new Map(original);
  const applied: FileEdit[] = [];
  const refused = new Map<string, string>();
  // Progress lines would interleave with the rounds' output: each round checks quietly.
  const roundOpts: CheckOptions = { ...opts.check, quiet: true };
  let last: Awaited<ReturnType<typeof checkDocuments>>;
  for (let round = 0; ; round++) {
    last = await checkDocuments(await documentsOf(current), roundOpts, io);
    if (typeof last === 'number') return last;
    const edits = round < MAX_ROUNDS ? editsOf(last.checked) : [];
    let changed = false;
    for (const file of new Set(edits.map((e) => e.file))) {
      const outcome = await applyManifestEdits(current.get(file) ?? '', edits.filter((e) => e.file === file));
      for (const r of outcome.refused) refused.set((r.edit as FileEdit).label, r.reason);
      if (outcome.applied.length === 0) continue;
      current.set(file, outcome.text);
      applied.push(...(outcome.applied as FileEdit[]));
      changed = true;
    }
    if (!changed) break;
  }
  const diffs: string[] = [];
  for (const [file, text] of current) {
    const before = original.get(file) ?? '';
    if (text === before) continue;
    diffs.push(createTwoFilesPatch(file, file, before, text, '', '', { context: 3 }));
    if (opts.write) await writeFile(realPath.get(file) ?? file, text);
  }
  return {
    diffs,
    applied: applied.map((e) => e.label),
    refused: [...refused].map(([label, why]) => `${label}: ${why}`),
    report: { ...buildCheckReport(last.checked, last.skipped), ...(opts.check.offline ? { offline: true } : {}) },
  };
}

/** The one line that says what was done. */
export function fixSummary(outcome: FixOutcome, written: boolean): string {
  if (outcome.applied.length === 0) return 'fix: no certain fix to apply.';
  const n = outcome.applied.length;
  return `fix: ${n} fix${n === 1 ? '' : 'es'} in ${outcome.diffs.length} file(s), ${written ? 'written' : 'not written (use --write)'}. What remains after them:`;
}

export async function runFix(paths: readonly string[], opts: FixOptions, io: CheckIo): Promise<number> {
  try {
    const outcome = await fixFiles(paths, opts, io);
    if (typeof outcome === 'number') return outcome;
    for (const diff of outcome.diffs) await write(io.stdout, diff);
    const lines = [...outcome.applied.map((l) => `fixed ${l}`), ...outcome.refused.map((l) => `not fixed ${l}`), fixSummary(outcome, opts.write)];
    await write(io.stderr, `${lines.join('\n')}\n`);
    await write(io.stderr, renderReport(outcome.report, 'text', { colour: false, quiet: opts.check.quiet }));
    const exit = exitDecision(outcome.report, opts.check.failOpen);
    for (const line of exit.stderr) await write(io.stderr, `${line}\n`);
    return exit.code;
  } catch (err) {
    if (err instanceof CheckConfigError || err instanceof InputError) {
      await write(io.stderr, `eso-vault-guard fix: ${err.message}\n`);
      return EXIT_CANNOT_RUN;
    }
    throw err;
  }
}
