// `--format sarif`: SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, Azure DevOps, IDEs).
// One run; every finding code is a rule (so ruleIndex is stable across runs); each result points
// at the line of the finding's field in its file, relative to the working directory.
import { relative, sep } from 'node:path';
import { FINDING_CODES, FINDING_REGISTRY, type Severity } from '../../checks/finding-codes.js';
import { PACKAGE_VERSION } from '../version.js';
import { describeResource, OFFLINE_NOTE, type CheckReport } from './located.js';
import { STDIN_NAME } from './inputs.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A file path as a relative URI reference with forward slashes (`-` = stdin becomes `stdin`). */
export function artifactUri(file: string, cwd: string = process.cwd()): string {
  if (file === STDIN_NAME) return 'stdin';
  const rel = relative(cwd, file) || file;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

export function toSarif(report: CheckReport, cwd: string = process.cwd()): Record<string, unknown> {
  const ruleIndex = new Map<string, number>(FINDING_CODES.map((code, i) => [code, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'eso-vault-guard',
            version: PACKAGE_VERSION,
            // The registry's metadata for each code: summary, how to fix, and the usual level.
            rules: FINDING_CODES.map((code) => ({
              id: code,
              name: code,
              shortDescription: { text: FINDING_REGISTRY[code].summary },
              help: { text: FINDING_REGISTRY[code].fix },
              defaultConfiguration: { level: LEVEL[FINDING_REGISTRY[code].severity] },
            })),
          },
        },
        // An offline run says so where SARIF viewers show run-level notes.
        ...(report.offline ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'note', message: { text: OFFLINE_NOTE } }] }] } : {}),
        results: report.findings.map((f) => ({
          ruleId: f.code,
          ...(ruleIndex.has(f.code) ? { ruleIndex: ruleIndex.get(f.code) } : {}),
          level: LEVEL[f.severity],
          message: { text: `${describeResource(f.resource)}: ${f.field}: ${f.message}${f.hint ? `\n${f.hint}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file, cwd) },
                region: { startLine: f.line },
              },
              logicalLocations: [{ name: f.field, fullyQualifiedName: `${describeResource(f.resource)}/${f.field}`, kind: 'member' }],
            },
          ],
        })),
      },
    ],
  };
}

export function formatSarif(report: CheckReport, cwd?: string): string {
  return `${JSON.stringify(toSarif(report, cwd), null, 2)}\n`;
}
