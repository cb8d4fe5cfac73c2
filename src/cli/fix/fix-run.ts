// One `fix` run: check the files as `check` does, apply the findings' certain fixes (FieldFix) to the
// files' text, check again until nothing more is certain, print the change as a unified diff and
// what is left as `check` would. Only the fixes rules mark certain are applied: a "did you mean"
// with several candidates, or two fixes for one field, stays a finding.
import { readFile, writeFile } from 'node:fs/promises';
import { createTwoFilesPatch } from 'diff';
import { checkDocuments, keptForCheck, type CheckIo } from '../check/check-run.js';
import { CheckConfigError } from '../check/errors.js';
import { EXIT_CANNOT_RUN, exitDecision } from '../check/exit-code.js';
import { renderReport } from '../check/format.js';
import { expandPaths, InputError, parseManifests, STDIN_NAME, type InputDocument } from '../check/inputs.js';
import { buildCheckReport, describeResource } from '../check/located.js';
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

export async function runFix(paths: readonly string[], opts: FixOptions, io: CheckIo): Promise<number> {
  try {
    if (paths.length === 0) throw new CheckConfigError('give at least one FILE or DIR to fix');
    if (paths.includes(STDIN_NAME)) throw new CheckConfigError('fix changes files: give FILEs or DIRs, not - (stdin)');
    const files = await expandPaths(paths);
    const original = new Map<string, string>();
    for (const file of files) original.set(file, await readFile(file, 'utf8'));
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

    for (const [file, text] of current) {
      const before = original.get(file) ?? '';
      if (text === before) continue;
      await write(io.stdout, createTwoFilesPatch(file, file, before, text, '', '', { context: 3 }));
      if (opts.write) await writeFile(file, text);
    }
    const report = { ...buildCheckReport(last.checked, last.skipped), ...(opts.check.offline ? { offline: true } : {}) };
    const lines = [...applied.map((e) => `fixed ${e.label}`), ...[...refused].map(([label, why]) => `not fixed ${label}: ${why}`)];
    const verb = opts.write ? 'written' : 'not written (use --write)';
    lines.push(applied.length === 0 ? 'fix: no certain fix to apply.' : `fix: ${applied.length} fix${applied.length === 1 ? '' : 'es'} in ${new Set(applied.map((e) => e.file)).size} file(s), ${verb}. What remains after them:`);
    await write(io.stderr, `${lines.join('\n')}\n`);
    await write(io.stderr, renderReport(report, 'text', { colour: false, quiet: opts.check.quiet }));
    const exit = exitDecision(report, opts.check.failOpen);
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
