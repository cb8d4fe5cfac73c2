// A small HCL1 parser for the subset Vault policies use (and HCL1's JSON form).
//
// Why hand-written: Vault parses policies with hashicorp/hcl v1 and reports errors with line
// numbers taken from its AST ("invalid key \"bad\" on line 2"), keeps duplicate `path` blocks as
// separate items, and keeps value kinds (string vs number vs list). bench/hcl-parsers.ts measured
// the npm candidates (since removed; their figures are kept there) against policy-parse-vectors.json
// (stanza keys, order, duplicates, line numbers) and speed on the default policy: js-hcl-parser 19/20 (~250 parses/s) and hcl-parser
// 19/20 (~270/s), GopherJS builds of hcl v1 that return plain JSON, so the line numbers Vault's key
// errors quote are lost; hcl-to-json 17/20 (it nests a second block with the same key inside the
// first). This parser: 20/20, ~13,000 parses/s, positioned AST.
//
// Supported: comments (#, //, /* */), identifiers and quoted keys, `key = value`, blocks
// `key "label" { ... }`, nested objects, lists (trailing commas), strings with escapes, heredocs
// (<<EOF and <<-EOF), numbers (int, float, hex, exponent, sign), bools; and a document starting
// with `{` parsed as JSON (HCL1 switches to its JSON parser in that case).

export interface HclKey {
  value: string;
  line: number;
}

export type HclNode =
  | { kind: 'object'; items: HclItem[]; line: number; col?: number }
  | { kind: 'list'; elems: HclNode[]; line: number; col?: number }
  | { kind: 'string'; value: string; line: number; col?: number }
  | { kind: 'number'; value: number; isInt: boolean; text: string; line: number; col?: number }
  | { kind: 'bool'; value: boolean; line: number; col?: number };

export interface HclItem {
  keys: HclKey[];
  /** Line of the `=` (or `:`) token; 0 when the item is a block without one, as in hcl v1's AST. */
  assignLine: number;
  val: HclNode;
}

export class HclSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`At ${line}:${column}: ${detail}`);
    this.name = 'HclSyntaxError';
  }
}

type TokType = 'ident' | 'string' | 'heredoc' | 'number' | 'bool' | '=' | ':' | '{' | '}' | '[' | ']' | ',' | 'eof';
interface Tok {
  type: TokType;
  text: string;
  value: string;
  line: number;
  col: number;
}

function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127;
}
function isIdentPart(c: string): boolean {
  return /[A-Za-z0-9_\-.]/.test(c) || c.charCodeAt(0) > 127;
}

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const err = (msg: string): never => {
    throw new HclSyntaxError(line, i - lineStart + 1, msg);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) err('comment not terminated');
      for (let k = i; k < end; k++) if (src[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
      i = end + 2;
      continue;
    }
    const col = i - lineStart + 1;
    const startLine = line;
    if ('={}[],:'.includes(c)) {
      toks.push({ type: c as TokType, text: c, value: c, line, col });
      i++;
      continue;
    }
    if (c === '"') {
      let out = '';
      i++;
      let braces = 0;
      for (;;) {
        if (i >= src.length) err('literal not terminated');
        const d = src[i]!;
        if (d === '\n' && braces === 0) err('literal not terminated');
        if (d === '"' && braces === 0) break;
        // HCL1 lets interpolations `${ ... "x" ... }` hold quotes; keep them verbatim.
        if (d === '$' && src[i + 1] === '{') {
          braces++;
          out += '${';
          i += 2;
          continue;
        }
        if (d === '}' && braces > 0) braces--;
        if (d === '\\' && braces === 0) {
          const e = src[i + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (e !== undefined && simple[e] !== undefined) {
            out += simple[e];
            i += 2;
            continue;
          }
          if (e === 'u' || e === 'U') {
            const n = e === 'u' ? 4 : 8;
            const hex = src.slice(i + 2, i + 2 + n);
            if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) err('invalid escape sequence');
            out += String.fromCodePoint(parseInt(hex, 16));
            i += 2 + n;
            continue;
          }
          err('unknown escape sequence');
        }
        out += d;
        i++;
      }
      i++;
      toks.push({ type: 'string', text: src.slice(0, 0), value: out, line: startLine, col });
      continue;
    }
    if (c === '<' && src[i + 1] === '<') {
      let j = i + 2;
      const indented = src[j] === '-';
      if (indented) j++;
      const m = /^[A-Za-z_][A-Za-z0-9_\-]*/.exec(src.slice(j));
      if (!m) err('heredoc expected marker name');
      const marker = m![0];
      j += marker.length;
      if (src[j] === '\r') j++;
      if (src[j] !== '\n') err('invalid characters in heredoc anchor');
      j++;
      const lines: string[] = [];
      let found = false;
      while (j <= src.length) {
        let nl = src.indexOf('\n', j);
        if (nl < 0) nl = src.length;
        let ln = src.slice(j, nl);
        if (ln.endsWith('\r')) ln = ln.slice(0, -1);
        line++;
        lineStart = j;
        j = nl + 1;
        if ((indented ? ln.trim() : ln) === marker) {
          found = true;
          break;
        }
        lines.push(ln);
        if (nl >= src.length) break;
      }
      if (!found) err('heredoc not terminated');
      let body = lines;
      if (indented) {
        const widths = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
        const w = widths.length ? Math.min(...widths) : 0;
        body = lines.map((l) => l.slice(Math.min(w, l.length - l.trimStart().length)));
      }
      const value = body.length ? body.join('\n') + '\n' : '';
      i = Math.min(j, src.length);
      if (j > src.length) i = src.length;
      toks.push({ type: 'heredoc', text: '', value, line: startLine, col });
      continue;
    }
    if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(src[i + 1] ?? ''))) {
      const m = /^[-+]?(0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)/.exec(src.slice(i));
      if (!m) err('invalid number');
      toks.push({ type: 'number', text: m![0], value: m![0], line, col });
      i += m![0].length;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && isIdentPart(src[j]!)) j++;
      const word = src.slice(i, j);
      toks.push({ type: word === 'true' || word === 'false' ? 'bool' : 'ident', text: word, value: word, line, col });
      i = j;
      continue;
    }
    err(`illegal char ${JSON.stringify(c)}`);
  }
  toks.push({ type: 'eof', text: '', value: '', line, col: i - lineStart + 1 });
  return toks;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly json: boolean,
  ) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }
  private fail(t: Tok, msg: string): never {
    throw new HclSyntaxError(t.line, t.col, msg);
  }

  /** Items until `end` ('eof' or '}'), for an HCL body. */
  objectList(end: 'eof' | '}'): HclItem[] {
    const items: HclItem[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === end) return items;
      if (t.type === 'eof') this.fail(t, 'object expected closing RBRACE got: EOF');
      items.push(this.item());
      if (this.peek().type === ',') this.next();
    }
  }

  private item(): HclItem {
    const keys: HclKey[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'ident' || t.type === 'string' || t.type === 'bool') {
        this.next();
        keys.push({ value: t.value, line: t.line });
        continue;
      }
      break;
    }
    const t = this.peek();
    if (keys.length === 0) this.fail(t, `expected start of object ('{') or assignment ('=')`);
    if (t.type === '=' || (this.json && t.type === ':')) {
      if (keys.length > 1) this.fail(t, `nested object expected: LBRACE got: ${t.text}`);
      this.next();
      return { keys, assignLine: t.line, val: this.value() };
    }
    if (t.type === '{') return { keys, assignLine: 0, val: this.object() };
    return this.fail(t, `key '${keys.map((k) => k.value).join(' ')}' expected start of object ('{') or assignment ('=')`);
  }

  private object(): HclNode {
    const open = this.next();
    const items = this.json ? this.jsonMembers() : this.objectList('}');
    const close = this.next();
    if (close.type !== '}') this.fail(close, 'object expected closing RBRACE');
    return { kind: 'object', items, line: open.line, col: open.col };
  }

  private jsonMembers(): HclItem[] {
    const items: HclItem[] = [];
    while (this.peek().type !== '}') {
      const k = this.next();
      if (k.type !== 'string') this.fail(k, 'expected a string key');
      const colon = this.next();
      if (colon.type !== ':') this.fail(colon, "expected ':'");
      items.push({ keys: [{ value: k.value, line: k.line }], assignLine: colon.line, val: this.value() });
      if (this.peek().type === ',') this.next();
      else if (this.peek().type !== '}') this.fail(this.peek(), "expected ',' or '}'");
    }
    return items;
  }

  private value(): HclNode {
    const t = this.peek();
    switch (t.type) {
      case 'string':
      case 'heredoc':
        this.next();
        return { kind: 'string', value: t.value, line: t.line, col: t.col };
      case 'number': {
        this.next();
        // Go's strconv.ParseInt(text, 0, 0): 0x… is hex, a leading 0 is octal.
        const isHex = /^[-+]?0[xX]/.test(t.text);
        const isOctal = /^[-+]?0[0-7]+$/.test(t.text);
        const isInt = isHex || !/[.eE]/.test(t.text);
        const value = isHex ? parseInt(t.text, 16) : isOctal ? parseInt(t.text, 8) : Number(t.text);
        return { kind: 'number', value, isInt, text: t.text, line: t.line, col: t.col };
      }
      case 'bool':
        this.next();
        return { kind: 'bool', value: t.value === 'true', line: t.line, col: t.col };
      case '{':
        return this.object();
      case '[': {
        this.next();
        const elems: HclNode[] = [];
        while (this.peek().type !== ']') {
          if (this.peek().type === 'eof') this.fail(this.peek(), 'list expected closing RBRACK');
          elems.push(this.value());
          if (this.peek().type === ',') this.next();
          else if (this.peek().type !== ']') this.fail(this.peek(), `list expected comma or RBRACK`);
        }
        this.next();
        return { kind: 'list', elems, line: t.line, col: t.col };
      }
      case 'ident':
        if (t.value === 'null' && this.json) this.fail(t, 'null is not supported');
        return this.fail(t, `Unknown token: ${t.line}:${t.col} IDENT ${t.value}`);
      default:
        return this.fail(t, `Unknown token: ${t.line}:${t.col} ${t.text}`);
    }
  }

  /** The JSON form: one top-level object whose members become the document's items. */
  jsonDocument(): HclItem[] {
    const open = this.next();
    if (open.type !== '{') this.fail(open, 'expected {');
    const items = this.jsonMembers();
    this.next();
    if (this.peek().type !== 'eof') this.fail(this.peek(), 'unexpected content after the JSON object');
    return items;
  }
}

/**
 * hcl/json's flattenObjects: an item whose object value holds only objects becomes one item per
 * member with the keys joined (`"path": {"a": {...}}` → keys [path, a]); a list of objects becomes
 * one item per element. Applied to every object list, outermost first, as ast.Walk does.
 */
function flattenJsonItems(items: HclItem[]): HclItem[] {
  const out: HclItem[] = [];
  const visit = (item: HclItem): void => {
    const v = item.val;
    if (v.kind === 'object' && v.items.length > 0 && v.items.every((i) => i.val.kind === 'object')) {
      for (const sub of v.items) visit({ keys: [...item.keys, ...sub.keys], assignLine: item.assignLine, val: sub.val });
      return;
    }
    if (v.kind === 'list' && v.elems.length > 0 && v.elems.every((e) => e.kind === 'object')) {
      for (const elem of v.elems) visit({ keys: item.keys, assignLine: item.assignLine, val: elem });
      return;
    }
    out.push(item);
  };
  for (const item of items) visit(item);
  for (const item of out) flattenJsonNode(item.val);
  return out;
}

function flattenJsonNode(n: HclNode): void {
  if (n.kind === 'object') n.items = flattenJsonItems(n.items);
  else if (n.kind === 'list') n.elems.forEach(flattenJsonNode);
}

/** Parses an HCL1 document (or its JSON form) into the list of top-level items. */
export function parseHcl1(src: string): HclItem[] {
  const toks = tokenize(src);
  const json = toks[0]?.type === '{';
  const p = new Parser(toks, json);
  return json ? flattenJsonItems(p.jsonDocument()) : p.objectList('eof');
}
