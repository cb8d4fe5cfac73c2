// go-secure-stdlib parseutil.ParseDurationSecond, as Vault uses it for min/max_wrapping_ttl:
// integers are seconds, strings are digits (seconds), `<n>d` (days) or a Go duration ("1h30m").

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds; a string is the error text. */
function goParseDuration(s: string): number | string {
  const invalid = `time: invalid duration ${JSON.stringify(s)}`;
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return invalid;
  let total = 0;
  while (rest.length > 0) {
    const num = /^[0-9]*(?:\.[0-9]*)?/.exec(rest)![0];
    if (num === '' || num === '.') return invalid;
    rest = rest.slice(num.length);
    // Go reads the unit as everything up to the next digit or '.'.
    const unit = /^[^0-9.]*/.exec(rest)![0];
    if (unit === '') return `time: missing unit in duration ${JSON.stringify(s)}`;
    const factor = UNIT_SECONDS[unit];
    if (factor === undefined) return `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(s)}`;
    total += Number(num) * factor;
    rest = rest.slice(unit.length);
  }
  return sign * total;
}

/** Seconds, or an error string. */
export function parseDurationSeconds(input: unknown): number | string {
  if (input === null || input === undefined) return 0;
  if (typeof input === 'number') return Math.trunc(input);
  if (typeof input === 'string') {
    if (input === '') return 0;
    if (/^[-+]?[0-9]+$/.test(input)) return Number(input);
    if (input.endsWith('d')) {
      const days = input.slice(0, -1);
      if (!/^[-+]?[0-9]+$/.test(days)) return `strconv.ParseInt: parsing ${JSON.stringify(days)}: invalid syntax`;
      return Number(days) * 86400;
    }
    return goParseDuration(input);
  }
  return 'could not parse duration from input';
}
