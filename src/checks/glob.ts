// Glob matchers exactly as Vault's auth plugins use them; hand-written because each is a few
// lines of Go with quirks (short patterns, only leading/trailing `*`) no glob library reproduces.

/**
 * Vault sdk `strutil.GlobbedStringsMatch` (kubernetes auth bound names/namespaces):
 * only a leading and/or trailing `*` is special, and patterns shorter than 2 characters compare exactly.
 */
export function vaultEdgeGlobMatch(pattern: string, value: string): boolean {
  if (pattern.length < 2) return value === pattern;
  const hasPrefix = pattern.startsWith('*');
  const hasSuffix = pattern.endsWith('*');
  if (hasPrefix && hasSuffix) return value.includes(pattern.slice(1, -1));
  if (hasPrefix) return value.endsWith(pattern.slice(1));
  if (hasSuffix) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

/** `strutil.StrListContainsGlob`. */
export function listContainsGlob(patterns: string[], value: string): boolean {
  return patterns.some((p) => vaultEdgeGlobMatch(p, value));
}

/**
 * ryanuber/go-glob `Glob` (jwt auth `bound_claims_type: glob`): `*` matches any run of characters,
 * anywhere, any number of times; nothing else is special.
 */
export function goGlobMatch(pattern: string, subject: string): boolean {
  if (pattern === '') return subject === pattern;
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return subject === pattern;
  const leadingGlob = pattern.startsWith('*');
  const trailingGlob = pattern.endsWith('*');
  const end = parts.length - 1;
  let rest = subject;
  for (let i = 0; i < end; i++) {
    const part = parts[i] as string;
    const idx = rest.indexOf(part);
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false;
    } else if (idx < 0) {
      return false;
    }
    rest = rest.slice(idx + part.length);
  }
  return trailingGlob || rest.endsWith(parts[end] as string);
}
