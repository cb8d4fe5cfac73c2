// Which unresolved policy templates could matter for one request path? Vault drops a stanza whose
// template cannot be resolved, so a denial is only uncertain when such a stanza could have matched
// the path. Vault's built-in `default` policy alone has `{{identity.entity.id}}` stanzas that never
// concern a KV path; without this filter every denial would turn into "not verifiable".
import { parsePolicyCached, type AclEvaluation, type PolicySource } from '../vault/acl/index.js';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const patterns = new Map<string, RegExp>();
const MAX_CACHED_PATTERNS = 10_000;

/** A regular expression a rule key with templates could match, treating each template as any text. */
function patternOf(rawKey: string): RegExp {
  // Rule keys come from a handful of policies and repeat on every admission: build each pattern once.
  let pattern = patterns.get(rawKey);
  if (!pattern) {
    pattern = buildPattern(rawKey);
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.clear();
    patterns.set(rawKey, pattern);
  }
  return pattern;
}

function buildPattern(rawKey: string): RegExp {
  let key = rawKey.startsWith('/') ? rawKey.slice(1) : rawKey;
  const prefix = key.endsWith('*');
  if (prefix) key = key.slice(0, -1);
  const parts = key.split(/(\{\{[^}]*\}\})/);
  const body = parts
    .map((part) => (part.startsWith('{{') ? '.*' : part.split('/').map((seg) => (seg === '+' ? '[^/]+' : escapeRegex(seg))).join('/')))
    .join('');
  return new RegExp(`^${body}${prefix ? '.*' : ''}$`);
}

export function relevantUnresolvedTemplates(
  evaluation: AclEvaluation,
  sources: readonly PolicySource[],
  path: string,
): AclEvaluation['unresolvedTemplates'] {
  if (evaluation.unresolvedTemplates.length === 0) return [];
  return evaluation.unresolvedTemplates.filter((t) => {
    const source = sources.find((s) => s.name === t.policy);
    if (!source) return true;
    let rules: { rawKey: string }[];
    try {
      rules = parsePolicyCached(source.name, source.text).paths;
    } catch {
      return true;
    }
    return rules.some((r) => r.rawKey.includes(t.template) && patternOf(r.rawKey).test(path));
  });
}
