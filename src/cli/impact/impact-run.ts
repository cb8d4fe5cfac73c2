// One `impact` run: the objects are checked as `check` checks them, once against today's Vault and
// once with the proposed change laid over the same facts, and only what the change breaks is
// reported (findings absent today and present after), in check's formats and exit codes.
import { withChange, type VaultChange } from '../../vault/index.js';
import { runCheck, type CheckIo } from '../check/check-run.js';
import { renderReport } from '../check/format.js';
import type { CheckOptions, OutputFormat } from '../check/options.js';
import type { CheckReport } from '../check/located.js';
import { checkAll } from '../check/run.js';
import { CheckConfigError } from '../check/errors.js';
import { readClusterEsoObjects } from './cluster-objects.js';
import { newFindings } from './diff.js';

/** `2 objects would break with the change` under the text report. */
function changeLine(report: CheckReport): string {
  const broken = new Set(report.findings.filter((f) => f.severity === 'error').map((f) => `${f.resource.kind} ${f.resource.namespace ?? ''}/${f.resource.name}`)).size;
  return broken === 0
    ? 'impact: the change breaks nothing in these objects (no finding that is absent today appears with it)'
    : `impact: the change breaks ${broken} object${broken === 1 ? '' : 's'} (findings absent today, present with the change)`;
}

/**
 * With no `paths` and `--stores-from cluster|both`, the ESO objects that run in the cluster are the
 * input (a policy repository holds no manifests).
 */
export function runImpact(paths: readonly string[], opts: CheckOptions, change: VaultChange, io: CheckIo): Promise<number> {
  if (paths.length === 0 && opts.storesFrom === 'files') {
    throw new CheckConfigError('give the MANIFESTS to check (files, directories or -), or --stores-from cluster to check the ESO objects of the cluster');
  }
  return runCheck(paths, opts, io, {
    command: 'impact',
    ...(paths.length === 0 ? { inputs: () => readClusterEsoObjects(opts.kubeconfig) } : {}),
    checkAll: async (docs, lookup, settings) => {
      // Today first: its facts are then cached, and the second pass asks Vault only for what the change does not cover.
      const today = await checkAll(docs, lookup, { ...settings, onProgress: (done, total) => settings.onProgress?.(done, 2 * total) });
      const after = await checkAll(docs, lookup, {
        ...settings,
        facts: withChange(settings.facts, change),
        onProgress: (done, total) => settings.onProgress?.(total + done, 2 * total),
      });
      return after.map((a, i) => {
        const before = today[i]?.result;
        return {
          doc: a.doc,
          result: {
            ...a.result,
            findings: newFindings(before?.findings ?? [], a.result.findings),
            // What could not be checked today or after leaves the comparison open.
            couldNotCheck: [...(before?.couldNotCheck ?? []), ...a.result.couldNotCheck],
          },
        };
      });
    },
    render: (report: CheckReport, format: OutputFormat, renderOpts) => {
      const text = renderReport(report, format, renderOpts);
      return format === 'text' && !renderOpts.quiet ? `${text}${changeLine(report)}\n` : text;
    },
  });
}
