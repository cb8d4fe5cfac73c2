// The part of Go's text/template that ESO's key checks need, read as Go's lexer reads it (with the
// delimiters ESO's controller runs with: --template-left-delimiter/--template-right-delimiter for
// target.template, always the defaults for rewrite transforms): which top-level keys a template certainly reads from its data map, and the value of
// a rewrite `transform` template for the few functions evaluated exactly. Anything else is
// "not judged", never a guess: a template ESO would render must never be reported as failing.

export interface TemplateAction {
  /** The text between the delimiters and trim markers. */
  body: string;
  /** Offset of `body` in the template text (Go reports positions from it). */
  bodyStart: number;
  trimLeft: boolean;
  trimRight: boolean;
  comment: boolean;
}

export type TemplatePiece = { text: string } | { action: TemplateAction };

const SPACE = /[ \t\r\n]/;

/** Go's action delimiters (text/template Delims; an empty one means the default). */
export interface TemplateDelimiters {
  left: string;
  right: string;
}

export const DEFAULT_DELIMITERS: TemplateDelimiters = { left: '{{', right: '}}' };

/** Text and actions in order; undefined when Go's lexer would fail (unclosed action or string). */
export function lexTemplate(text: string, delimiters: TemplateDelimiters = DEFAULT_DELIMITERS): TemplatePiece[] | undefined {
  const left = delimiters.left || DEFAULT_DELIMITERS.left;
  const right = delimiters.right || DEFAULT_DELIMITERS.right;
  const pieces: TemplatePiece[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf(left, i);
    if (open < 0) break;
    if (open > i) pieces.push({ text: text.slice(i, open) });
    let j = open + left.length;
    const trimLeft = text[j] === '-' && SPACE.test(text[j + 1] ?? '');
    if (trimLeft) j += 2;
    if (text.startsWith('/*', j)) {
      const close = text.indexOf('*/', j + 2);
      if (close < 0) return undefined;
      let k = close + 2;
      const trimRight = SPACE.test(text[k] ?? '') && text.startsWith(`-${right}`, k + 1);
      if (trimRight) k += 2;
      if (!text.startsWith(right, k)) return undefined;
      pieces.push({ action: { body: text.slice(j, close + 2), bodyStart: j, trimLeft, trimRight, comment: true } });
      i = k + right.length;
      continue;
    }
    const start = j;
    let end = -1;
    let trimRight = false;
    while (j < text.length) {
      const c = text[j] as string;
      if (c === '"' || c === "'") {
        const k = endOfQuoted(text, j, c);
        if (k < 0) return undefined;
        j = k;
        continue;
      }
      if (c === '`') {
        const k = text.indexOf('`', j + 1);
        if (k < 0) return undefined;
        j = k + 1;
        continue;
      }
      if (SPACE.test(c) && text.startsWith(`-${right}`, j + 1)) {
        end = j;
        trimRight = true;
        j += 2 + right.length;
        break;
      }
      if (text.startsWith(right, j)) {
        end = j;
        j += right.length;
        break;
      }
      j += 1;
    }
    if (end < 0) return undefined;
    pieces.push({ action: { body: text.slice(start, end), bodyStart: start, trimLeft, trimRight, comment: false } });
    i = j;
  }
  if (i < text.length) pieces.push({ text: text.slice(i) });
  return pieces;
}

/** Index after a "…" or '…' literal starting at `at` (no newline inside, as Go's lexer), or -1. */
function endOfQuoted(text: string, at: number, quote: string): number {
  let k = at + 1;
  while (k < text.length) {
    const c = text[k] as string;
    if (c === '\\') { k += 2; continue; }
    if (c === '\n') return -1;
    if (c === quote) return k + 1;
    k += 1;
  }
  return -1;
}

/** The body with string and character literals blanked (same length), so offsets stay valid. */
function blankLiterals(body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === '"' || c === "'" || c === '`') {
      const k = c === '`' ? body.indexOf('`', i + 1) + 1 : endOfQuoted(body, i, c);
      const stop = k <= 0 ? body.length : k;
      out += c + ' '.repeat(Math.max(0, stop - i - 2)) + (stop - i >= 2 ? c : '');
      i = stop;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

export interface TemplateKeyRef {
  /** The top-level key read (`pasword` in `.pasword.x`). */
  key: string;
  /** The node as Go prints it in an error (`.pasword.x`, `$.pasword`). */
  node: string;
  /** `.key.field`: on a produced key (a string) Go fails with "can't evaluate field", another error. */
  chained: boolean;
  /** Go's "line:column" of the node (column counted as text/template's ErrorContext does). */
  line: number;
  column: number;
}

/** Actions that define or run other templates: not judged. */
const NOT_JUDGED = new Set(['define', 'block', 'template']);
/** Blocks whose pipeline runs where they stand and whose body may not run (or runs with another dot). */
const BLOCK_OPENERS = new Set(['if', 'with', 'range']);

function firstWord(body: string): string {
  return /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(body)?.[1] ?? '';
}

function position(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
  return { line: 1 + (before.match(/\n/g)?.length ?? 0), column: nl < 0 ? bytes(before) : bytes(before.slice(nl + 1)) };
}

/**
 * Top-level keys a template certainly reads, in evaluation order; undefined when not judged.
 * Certainly read: fields outside `if`/`with`/`range` bodies (which may not run, or run with another
 * dot), before any `and`/`or` (which stop early) in their action. `index . "k"` is no read for missingkey=error: Go's index yields "" for a missing key.
 * Comments are not evaluated.
 */
export function templateKeyRefs(text: string, delimiters: TemplateDelimiters = DEFAULT_DELIMITERS): TemplateKeyRef[] | undefined {
  const pieces = lexTemplate(text, delimiters);
  if (!pieces) return undefined;
  const refs: TemplateKeyRef[] = [];
  let depth = 0;
  for (const piece of pieces) {
    if (!('action' in piece) || piece.action.comment) continue;
    const { body, bodyStart } = piece.action;
    const word = firstWord(body);
    if (NOT_JUDGED.has(word)) return undefined;
    // An else or end without its if is Go's parse error: another failure, not judged here.
    if ((word === 'else' || word === 'end') && depth === 0) return undefined;
    const certain = depth === 0 && word !== 'else';
    if (BLOCK_OPENERS.has(word)) depth += 1;
    if (word === 'end') depth -= 1;
    if (!certain) continue;
    const bare = blankLiterals(body);
    const stop = /(?:^|[\s(])(and|or)(?=[\s)]|$)/.exec(bare);
    const limit = stop ? stop.index : bare.length;
    for (const m of bare.matchAll(/(?<![A-Za-z0-9_)\]$.])(\$?)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      if (m.index >= limit) break;
      const chain = m[2] as string;
      const dotAt = bodyStart + m.index + (m[1] as string).length;
      const segments = chain.slice(1).split('.');
      refs.push({ key: segments[0] as string, node: `${m[1] as string}${chain}`, chained: segments.length > 1, ...position(text, dotAt) });
    }
  }
  // An if without its end: Go's parse error (unexpected EOF).
  if (depth !== 0) return undefined;
  return refs;
}

// ---------- rewrite.transform ----------

export type KeyTemplateResult = { status: 'ok'; value: string } | { status: 'unknown'; reason: string };

const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/** Sprig functions whose Go result equals these for ASCII text (runtime/template/v2/sprig/functions.go). */
const FUNCTIONS: Record<string, { arity: number; apply: (args: string[]) => string | undefined }> = {
  upper: { arity: 1, apply: ([s]) => (isAscii(s ?? '') ? (s ?? '').toUpperCase() : undefined) },
  lower: { arity: 1, apply: ([s]) => (isAscii(s ?? '') ? (s ?? '').toLowerCase() : undefined) },
  trim: { arity: 1, apply: ([s]) => (isAscii(s ?? '') ? (s ?? '').replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '') : undefined) },
  replace: { arity: 3, apply: ([oldText, newText, s]) => (oldText === '' ? undefined : (s ?? '').split(oldText ?? '').join(newText ?? '')) },
  trimPrefix: { arity: 2, apply: ([p, s]) => ((s ?? '').startsWith(p ?? '') ? (s ?? '').slice((p ?? '').length) : s) },
  trimSuffix: { arity: 2, apply: ([x, s]) => ((x ?? '') !== '' && (s ?? '').endsWith(x ?? '') ? (s ?? '').slice(0, (s ?? '').length - (x ?? '').length) : s) },
};

type Token = { kind: 'string'; value: string } | { kind: 'word'; value: string } | { kind: 'pipe' };

function tokens(body: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (SPACE.test(c)) { i += 1; continue; }
    if (c === '|') { out.push({ kind: 'pipe' }); i += 1; continue; }
    if (c === '`') {
      const k = body.indexOf('`', i + 1);
      if (k < 0) return undefined;
      out.push({ kind: 'string', value: body.slice(i + 1, k) });
      i = k + 1;
      continue;
    }
    if (c === '"') {
      const k = endOfQuoted(body, i, '"');
      if (k < 0) return undefined;
      const inner = body.slice(i + 1, k - 1);
      if (inner.includes('\\')) return undefined; // Go escapes are not all JSON's: not evaluated
      out.push({ kind: 'string', value: inner });
      i = k;
      continue;
    }
    const m = /^[A-Za-z0-9_.$]+/.exec(body.slice(i));
    if (!m) return undefined; // parentheses, assignments, character literals ...
    out.push({ kind: 'word', value: m[0] });
    i += m[0].length;
  }
  return out;
}

function evaluateAction(body: string, key: string): string | undefined {
  const toks = tokens(body);
  if (!toks || toks.length === 0) return undefined;
  const commands: Token[][] = [[]];
  for (const t of toks) {
    if (t.kind === 'pipe') commands.push([]);
    else (commands[commands.length - 1] as Token[]).push(t);
  }
  const operand = (t: Token): string | undefined => {
    if (t.kind === 'string') return t.value;
    if (t.kind === 'word' && (t.value === '.value' || t.value === '$.value')) return key;
    return undefined;
  };
  let value: string | undefined;
  for (const [n, command] of commands.entries()) {
    const head = command[0];
    if (!head) return undefined;
    const fn = head.kind === 'word' ? FUNCTIONS[head.value] : undefined;
    if (!fn) {
      if (n > 0 || command.length !== 1) return undefined;
      value = operand(head);
      if (value === undefined) return undefined;
      continue;
    }
    const args: string[] = [];
    for (const t of command.slice(1)) {
      const v = operand(t);
      if (v === undefined) return undefined;
      args.push(v);
    }
    if (n > 0) args.push(value as string);
    if (args.length !== fn.arity) return undefined;
    value = fn.apply(args);
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * The key a rewrite `transform` template makes of `key` (ESO executes it with {"value": key}),
 * when it uses only `.value`, string literals and upper/lower/trim/replace/trimPrefix/trimSuffix.
 */
export function evaluateKeyTemplate(template: string, key: string): KeyTemplateResult {
  const pieces = lexTemplate(template);
  if (!pieces) return { status: 'unknown', reason: 'the template does not parse here' };
  const parts: string[] = [];
  for (const [i, piece] of pieces.entries()) {
    if ('text' in piece) {
      let t = piece.text;
      const prev = pieces[i - 1];
      const next = pieces[i + 1];
      if (prev && 'action' in prev && prev.action.trimRight) t = t.replace(/^[ \t\r\n]+/, '');
      if (next && 'action' in next && next.action.trimLeft) t = t.replace(/[ \t\r\n]+$/, '');
      parts.push(t);
      continue;
    }
    if (piece.action.comment) continue;
    const v = evaluateAction(piece.action.body, key);
    if (v === undefined) return { status: 'unknown', reason: `{{${piece.action.body}}} uses more than .value, string literals and upper, lower, trim, replace, trimPrefix, trimSuffix` };
    parts.push(v);
  }
  return { status: 'ok', value: parts.join('') };
}

/** Go's %q for the strings ESO quotes (printable text kept, common escapes as Go writes them). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
