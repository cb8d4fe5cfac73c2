// Contract recordings: request/response exchanges recorded from the real servers
// (test/e2e/record-contracts.ts) and replayed against the doubles (replay.test.ts). A response body
// is kept as its shape: every value becomes a type placeholder, except the texts the product reads
// (Vault's `errors`, a Kubernetes Status's kind/status/reason/code and a watch event's type).

export type Shape = unknown;

export interface ContractStep {
  /** What this step shows, e.g. "KV v2 read of a soft-deleted version". */
  title: string;
  /**
   * `seal` seals the Vault server (bao operator seal / double.seal()). `install-crd` installs ESO's
   * CRD `crd` into the real API server and waits until its watch cache serves (the replay skips it:
   * the Kubernetes double serves ESO's kinds from its start).
   */
  action?: 'seal' | 'install-crd';
  /** For `install-crd`: the file name in ESO's config/crds/bases. */
  crd?: string;
  method?: string;
  /** Path with `${name}` placeholders filled from earlier captures. */
  path?: string;
  query?: Record<string, string>;
  /** Which credential: the admin/root one, a policy-limited Vault token, or none. */
  auth?: 'admin' | 'limited' | 'none';
  headers?: Record<string, string>;
  /** Request body (our own request; `${name}` placeholders filled in). */
  body?: unknown;
  contentType?: string;
  /** Read a watch stream until this many lines, then close it. */
  watchLines?: number;
  /**
   * A request sent `duringAfterMs` (default 1000) after this one started, while its watch streams
   * (a change the open watch sees live). Its response is recorded and replayed too.
   */
  during?: ContractStep;
  duringAfterMs?: number;
  /** Values to remember from the response: name → dotted path into the body. */
  capture?: Record<string, string>;
  response?: { status: number; contentType?: string; body: Shape };
}

export interface ContractFile {
  server: { kind: 'vault' | 'kubernetes'; name: string; version: string };
  recordedWith: string;
  steps: ContractStep[];
}

const VERBATIM_KEYS = new Set(['kind', 'status', 'reason', 'code', 'type', 'apiVersion']);

/** Volatile parts of error texts (request ids, times, ports) become placeholders. */
export function scrubText(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/resourceVersion: \d+/g, 'resourceVersion: <rv>')
    .replace(/\(\d+\)/g, '(<n>)');
}

export function shapeOf(value: unknown, key = '', inErrors = false, k8sStatus = false): Shape {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const shapes = value.map((v) => shapeOf(v, key, key === 'errors' || inErrors, false));
    const unique = [...new Map(shapes.map((s) => [JSON.stringify(s), s])).values()];
    return unique.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const isStatus = obj.kind === 'Status';
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, shapeOf(obj[k], k, false, isStatus)]));
  }
  if (typeof value === 'string' && (inErrors || (k8sStatus && VERBATIM_KEYS.has(key)) || (key === 'type' && /^(ADDED|MODIFIED|DELETED|BOOKMARK|ERROR)$/.test(value)))) return scrubText(value);
  if (typeof value === 'number' && k8sStatus && key === 'code') return value;
  return `<${typeof value}>`;
}

/** `${name}` → captured value, in strings anywhere inside `v`. */
export function fill<T>(v: T, vars: Record<string, string>): T {
  if (typeof v === 'string') return v.replace(/\$\{(\w+)\}/g, (_, n: string) => vars[n] ?? `\${${n}}`) as T;
  if (Array.isArray(v)) return v.map((x) => fill(x, vars)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)])) as T;
  return v;
}

export function dig(body: unknown, path: string): string | undefined {
  let cur: unknown = body;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? undefined : String(cur);
}

/** Where two shapes differ, as `path: recorded … vs double …` lines (empty when equal). */
export function shapeDiff(recorded: Shape, replayed: Shape, at = '$'): string[] {
  if (JSON.stringify(recorded) === JSON.stringify(replayed)) return [];
  if (recorded && replayed && typeof recorded === 'object' && typeof replayed === 'object' && !Array.isArray(recorded) && !Array.isArray(replayed)) {
    const a = recorded as Record<string, unknown>;
    const b = replayed as Record<string, unknown>;
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in b)) out.push(`${at}.${k}: missing in the double (real: ${JSON.stringify(a[k])})`);
      else if (!(k in a)) out.push(`${at}.${k}: not in the real answer (double: ${JSON.stringify(b[k])})`);
      else out.push(...shapeDiff(a[k], b[k], `${at}.${k}`));
    }
    return out;
  }
  return [`${at}: real ${JSON.stringify(recorded)} vs double ${JSON.stringify(replayed)}`];
}
