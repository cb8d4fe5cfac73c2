// "Did you mean" for sibling secret paths: the closest names by edit distance.
// Hand-written: a dozen lines of Levenshtein are cheaper than a dependency for this.

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** Names within a distance of a third of the target's length (at least 2), best first, at most `max`. */
export function closestNames(target: string, names: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(target.length / 3));
  return names
    .map((name) => ({ name, d: editDistance(target.toLowerCase(), name.toLowerCase()) }))
    .filter((x) => x.d <= limit && x.name !== target)
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((x) => x.name);
}
