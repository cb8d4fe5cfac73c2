// Reading Vault's `{"errors":[...]}` bodies. Error texts carry paths and reasons, never secret values.

export function errorMessages(body: unknown): string[] {
  if (body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors)) {
    return ((body as { errors: unknown[] }).errors).filter((e): e is string => typeof e === 'string');
  }
  return [];
}

/** Vault's multierror text (`1 error occurred:\n\t* permission denied\n\n`) flattened to `permission denied`. */
export function errorSummary(body: unknown): string {
  const parts = errorMessages(body).flatMap((m) => {
    const items = [...m.matchAll(/^\t\* (.*)$/gm)].map((x) => x[1] ?? '');
    return items.length > 0 ? items : [m.trim()];
  });
  return [...new Set(parts.filter((p) => p.length > 0))].join('; ');
}

/**
 * A 403 caused by the token itself (unknown, expired, revoked), not by a policy: log in again.
 * Vault says "invalid token"; OpenBao answers a bare `permission denied` (no multierror wrapper),
 * while a policy denial is `1 error occurred:\n\t* permission denied` on both (recorded in
 * test/contract/bao-errors.json).
 */
export function isInvalidTokenError(status: number, body: unknown): boolean {
  if (status !== 403) return false;
  const messages = errorMessages(body);
  return messages.some((m) => /invalid token|token is expired|bad token/i.test(m)) || (messages.length === 1 && messages[0] === 'permission denied');
}

export function isSealedError(status: number, body: unknown): boolean {
  return status === 503 && errorMessages(body).some((m) => /sealed/i.test(m));
}
