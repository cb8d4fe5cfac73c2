// Fits warnings into what the API server passes on to kubectl. The API server (apiserver
// filters/warning.go) drops a warning that is not a single printable line, removes duplicates, and
// once the total passes 4096 runes it cuts every warning to 256 runes. We stay under the total
// ourselves and say how many were left out, so a person sees whole sentences.

export const WARNING_BUDGET_RUNES = 4096;
/** A single warning longer than this is shortened, so one huge message cannot crowd out the rest. */
export const WARNING_ITEM_MAX_RUNES = 1024;

function runeLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function truncateRunes(text: string, maxRunes: number): string {
  const runes = Array.from(text);
  if (runes.length <= maxRunes) return text;
  return `${runes.slice(0, maxRunes - 1).join('')}…`;
}

/** One printable line: control characters (newlines, tabs) become spaces, runs of spaces collapse. */
export function toSingleLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

export function moreFindingsLine(count: number): string {
  return `… ${count} more finding${count === 1 ? '' : 's'}`;
}

export function fitWarnings(warnings: readonly string[], budgetRunes = WARNING_BUDGET_RUNES): string[] {
  const lines: string[] = [];
  for (const w of warnings) {
    const line = truncateRunes(toSingleLine(w), WARNING_ITEM_MAX_RUNES);
    if (line !== '' && !lines.includes(line)) lines.push(line);
  }
  const lengths = lines.map(runeLength);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total <= budgetRunes) return lines;
  // Keep the longest prefix that still leaves room for the "… N more findings" line.
  let kept = 0;
  let used = 0;
  while (kept < lines.length) {
    const next = used + (lengths[kept] as number);
    if (next + runeLength(moreFindingsLine(lines.length - kept - 1)) > budgetRunes) break;
    used = next;
    kept += 1;
  }
  return [...lines.slice(0, kept), moreFindingsLine(lines.length - kept)];
}
