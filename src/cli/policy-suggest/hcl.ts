// The needs of one store as a Vault policy: one stanza per path with the union of capabilities, a
// comment per stanza naming each object that needs it and why. An exact path that a `*` stanza of the
// same policy already covers with every capability it needs is folded into that stanza (it would add
// nothing); one that needs more keeps its stanza, with the glob's capabilities too, because Vault
// applies an exact rule instead of the glob for that path, not beside it.
import type { Need, NeededCapability, Uncovered } from '../../eso/least-privilege.js';

const ORDER: readonly NeededCapability[] = ['create', 'read', 'update', 'delete', 'list'];

interface Stanza {
  path: string;
  caps: Set<NeededCapability>;
  /** object → field → what ESO does (`{it}` stands for the path it does it on) → that path. */
  notes: Map<string, Map<string, Map<string, string>>>;
}

const isGlob = (path: string): boolean => path.endsWith('*');
const prefixOf = (glob: string): string => glob.slice(0, -1);

function addNote(s: Stanza, object: string, field: string, why: string, path: string): void {
  const fields = s.notes.get(object) ?? new Map<string, Map<string, string>>();
  s.notes.set(object, fields);
  const whys = fields.get(field) ?? new Map<string, string>();
  fields.set(field, whys);
  whys.set(`${why}\u0000${path}`, why.replace('{it}', path === s.path && !isGlob(path) ? 'it' : path));
}

function merge(into: Stanza, from: Stanza): void {
  for (const [object, fields] of from.notes) {
    for (const [field, whys] of fields) for (const key of whys.keys()) {
      const [why, path] = key.split('\u0000') as [string, string];
      addNote(into, object, field, why, path);
    }
  }
}

/** The `*` stanza Vault would apply to `path` if `path` had none: the longest covering prefix. */
function nearestGlob(stanzas: Iterable<Stanza>, path: string): Stanza | undefined {
  let best: Stanza | undefined;
  for (const g of stanzas) {
    if (g.path === path || !isGlob(g.path) || !path.startsWith(prefixOf(g.path))) continue;
    if (!best || g.path.length > best.path.length) best = g;
  }
  return best;
}

export function buildStanzas(needs: readonly Need[]): Stanza[] {
  const byPath = new Map<string, Stanza>();
  for (const n of needs) {
    const s = byPath.get(n.path) ?? { path: n.path, caps: new Set<NeededCapability>(), notes: new Map() };
    byPath.set(n.path, s);
    for (const c of n.capabilities) s.caps.add(c);
    addNote(s, n.object, n.field, n.why, n.path);
  }
  // Longest first: a folded stanza's objects move up to the glob, which may fold further up.
  for (const s of [...byPath.values()].sort((a, b) => b.path.length - a.path.length)) {
    const glob = nearestGlob(byPath.values(), s.path);
    if (glob && [...s.caps].every((c) => glob.caps.has(c))) {
      merge(glob, s);
      byPath.delete(s.path);
    }
  }
  // Shortest first: what the glob grants on a path it no longer decides is kept in the stanza that does.
  for (const s of [...byPath.values()].sort((a, b) => a.path.length - b.path.length)) {
    const glob = nearestGlob(byPath.values(), s.path);
    // LIST always reaches the ACL with a trailing `/`: it never needs granting on another exact path.
    if (glob) for (const c of glob.caps) if (c !== 'list' || isGlob(s.path) || s.path.endsWith('/')) s.caps.add(c);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Vault reads a `+` segment or a trailing `*` in a path as a wildcard: such a secret's path cannot be named exactly. */
function wildcardNote(path: string): string | undefined {
  const body = isGlob(path) ? prefixOf(path) : path;
  return body.split('/').includes('+') || body.includes('*') ? '# note: Vault reads "+" and "*" in this path as wildcards, so this stanza grants more than the one path' : undefined;
}

export function renderPolicy(header: readonly string[], needs: readonly Need[], uncovered: readonly Uncovered[]): string {
  const lines = header.map((l) => `# ${l}`);
  for (const u of uncovered) lines.push(`# not covered: ${u.object} ${u.field}: ${u.reason}`);
  const stanzas = buildStanzas(needs);
  if (stanzas.length === 0) lines.push('# nothing to grant: no request of ESO goes through this store');
  for (const s of stanzas) {
    lines.push('');
    // One line per object and what it does there, with the fields that make it do so.
    for (const [object, fields] of s.notes) {
      const byWhy = new Map<string, string[]>();
      for (const [field, whys] of fields) {
        const why = [...new Set(whys.values())].join('; ');
        byWhy.set(why, [...(byWhy.get(why) ?? []), field]);
      }
      for (const [why, whyFields] of byWhy) lines.push(`# ${object}: ${why} (${whyFields.join(', ')})`);
    }
    const note = wildcardNote(s.path);
    if (note) lines.push(note);
    const caps = ORDER.filter((c) => s.caps.has(c));
    lines.push(`path ${JSON.stringify(s.path)} {`, `  capabilities = [${caps.map((c) => JSON.stringify(c)).join(', ')}]`, '}');
  }
  return `${lines.join('\n')}\n`;
}
