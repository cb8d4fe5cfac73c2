// Paths pino blanks out before a log line is written. Logs should never receive secret material in
// the first place; this is the safety net for objects logged by mistake (a Vault response, a
// Kubernetes Secret, an HTTP request with its headers).

/** Keys whose values are credentials or secret payloads, wherever they appear. */
export const CREDENTIAL_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'client_token',
  'clientToken',
  'secret_id',
  'secretId',
  'jwt',
  'password',
  'data',
  'stringData',
  'x-vault-token',
  'X-Vault-Token',
  'cookie',
] as const;

/** How deep below the log record's top level a key is still redacted. */
const MAX_DEPTH = 5;

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
}

function join(prefix: string, key: string): string {
  const part = keyPath(key);
  if (prefix === '') return part;
  return part.startsWith('[') ? `${prefix}${part}` : `${prefix}.${part}`;
}

/** The credential keys at the top level of a record only (for flat records: see admission-log.ts). */
export function topLevelRedactionPaths(): string[] {
  return CREDENTIAL_KEYS.map(keyPath);
}

/** `token`, `*.token`, `*.*.token`, … (pino's wildcards match exactly one level). */
export function redactionPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
    const prefix = Array.from({ length: depth }, () => '*').join('.');
    for (const key of CREDENTIAL_KEYS) paths.push(join(prefix, key));
  }
  return paths;
}

export const REDACTED = '[REDACTED]';
