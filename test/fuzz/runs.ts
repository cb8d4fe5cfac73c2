// How many cases each fuzzer runs: FUZZ_RUNS (default 200 in `npm test`; `npm run fuzz` sets 100,000).
// Fuzzers that pay for a network round trip per case run fewer; each says its cap and why.
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 200) || 200);

/** FUZZ_RUNS scaled by `fraction`, at least `min`, at most `cap`. */
export function scaledRuns(fraction: number, min: number, cap: number): number {
  return Math.min(cap, Math.max(min, Math.floor(FUZZ_RUNS * fraction)));
}

/** Counts unhandled promise rejections while a fuzzer runs (the server must never leave one behind). */
export function countUnhandledRejections(): { count: () => number; reasons: unknown[]; stop: () => void } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown) => { reasons.push(reason); };
  process.on('unhandledRejection', onRejection);
  return { count: () => reasons.length, reasons, stop: () => { process.off('unhandledRejection', onRejection); } };
}
