// Reading the HTTP status out of the errors @kubernetes/client-node throws (ApiException has
// `code`; the Watch helper sets `statusCode`).

export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** A short description for logs: never the response body, which may echo object contents. */
export function describeError(err: unknown): string {
  const code = httpStatusOf(err);
  const message = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : String(err).slice(0, 200);
  return code === undefined ? message : `HTTP ${code}: ${message}`;
}
