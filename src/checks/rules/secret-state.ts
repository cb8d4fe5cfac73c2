// Existence, version and deletion state of the secret ESO reads. Only run once policy coverage
// allowed the request (issue "no oracle").
import type { KvMetadataFact, SecretReadFact } from '../../vault/facts.js';
import type { FieldFix, Finding, Severity } from '../finding.js';

export interface SecretStateInput {
  /** `spec.data[0].remoteRef.key`. */
  field: string;
  /** `spec.data[0].remoteRef.version`, when a version is pinned. */
  versionField?: string;
  requestPath: string;
  version?: string;
  read: SecretReadFact;
  /** KV v2 metadata when looked up to tell a missing version from a missing secret; null = no metadata. */
  metadata?: KvMetadataFact | null;
  /** Without readable metadata: the current version exists (so only the pinned version is missing). */
  currentVersionExists?: boolean;
  /** deletionPolicy Delete/Merge: ESO skips a missing secret instead of failing. */
  missingIsSkipped: boolean;
  /** Classic-mistake hints and sibling-path suggestions. */
  hints: string[];
  /** The key one of the hints names as the certain fix. */
  keyFix?: FieldFix;
}

function join(hints: string[]): string | undefined {
  const text = hints.filter((h) => h !== '').join(' ');
  return text === '' ? undefined : text;
}

/** The pinned version is missing while the secret itself exists. */
function pinnedVersionMissing(input: SecretStateInput, severity: Severity, skipped: string): Finding {
  return {
    code: 'SecretVersionNotFound',
    severity,
    field: input.versionField ?? input.field,
    message: `Version ${input.version} of ${input.requestPath} does not exist, though the secret does (ESO: Secret does not exist).${skipped}`,
    hint: 'Set remoteRef.version to an existing version, or omit it to read the current one.',
  };
}

export function secretStateFindings(input: SecretStateInput): Finding[] {
  const read = input.read;
  const severity: Severity = input.missingIsSkipped ? 'warning' : 'error';
  const skipped = input.missingIsSkipped ? ' With this deletionPolicy ESO skips the entry instead of failing.' : '';
  switch (read.state) {
    case 'present':
      return [];
    case 'missing': {
      const meta = input.metadata;
      if (input.version !== undefined && meta) {
        const live = Object.keys(meta.versions).sort((a, b) => Number(a) - Number(b));
        return [
          {
            code: 'SecretVersionNotFound',
            severity,
            field: input.versionField ?? input.field,
            message: `Version ${input.version} of ${input.requestPath} does not exist (ESO: Secret does not exist); its versions are ${live.join(', ') || 'none'}, current ${meta.currentVersion}.${skipped}`,
            hint: join([`Set remoteRef.version to an existing version, or omit it to read the current one.`]),
          },
        ];
      }
      if (input.version !== undefined && input.currentVersionExists) {
        return [pinnedVersionMissing(input, severity, skipped)];
      }
      const hint = join(input.hints.length > 0 ? input.hints : ['Check remoteRef.key against the secret\'s path in Vault, or create the secret.']);
      return [
        {
          code: 'SecretNotFound',
          severity,
          field: input.field,
          message: `Vault has no secret at ${input.requestPath}${input.version !== undefined ? ` (version ${input.version})` : ''}; ESO would fail with "Secret does not exist".${skipped}`,
          ...(hint ? { hint } : {}),
          ...(hint && input.keyFix ? { fix: input.keyFix } : {}),
        },
      ];
    }
    case 'deleted':
      return [
        {
          code: 'SecretDeleted',
          severity,
          field: input.version !== undefined ? (input.versionField ?? input.field) : input.field,
          message: `Version ${read.version} of ${input.requestPath} was deleted at ${read.deletionTime}; ESO would fail with "Secret does not exist".${skipped}`,
          hint: `Undelete it (vault kv undelete -versions=${read.version}), write a new version, or pin remoteRef.version to a version that is not deleted.`,
        },
      ];
    case 'destroyed':
      return [
        {
          code: 'SecretDeleted',
          severity,
          field: input.version !== undefined ? (input.versionField ?? input.field) : input.field,
          message: `Version ${read.version} of ${input.requestPath} was destroyed; ESO would fail with "Secret does not exist".${skipped}`,
          hint: 'Write a new version of the secret, or pin remoteRef.version to a version that still exists.',
        },
      ];
    case 'invalid_path': {
      if (input.version !== undefined && input.currentVersionExists) {
        return [pinnedVersionMissing(input, severity, skipped)];
      }
      const hint = join(input.hints.length > 0 ? input.hints : ['Check the store\'s path and version and the key against the KV mount layout.']);
      return [
        {
          code: 'SecretNotFound',
          severity: 'error',
          field: input.field,
          message: `Vault answers ${input.requestPath} with "${read.warning}"; ESO would fail with "failed to find data field".`,
          ...(hint ? { hint } : {}),
          ...(hint && input.keyFix ? { fix: input.keyFix } : {}),
        },
      ];
    }
  }
}

/** metadataPolicy: Fetch with no metadata: a hard error whatever the deletionPolicy ("secret not found"). */
export function metadataNotFoundFinding(field: string, metadataPath: string, hints: string[], keyFix?: FieldFix): Finding {
  const hint = join(hints.length > 0 ? hints : ['Check remoteRef.key, or create the secret.']);
  return {
    code: 'SecretNotFound',
    severity: 'error',
    field,
    message: `Vault has no metadata at ${metadataPath}; with metadataPolicy: Fetch ESO would fail with "secret not found".`,
    ...(hint ? { hint } : {}),
    ...(hints.length > 0 && keyFix ? { fix: keyFix } : {}),
  };
}

/** find: the first LIST answered 404. */
export function listNotFoundFinding(field: string, listPath: string, missingIsSkipped: boolean): Finding {
  return {
    code: 'SecretNotFound',
    severity: missingIsSkipped ? 'warning' : 'error',
    field,
    message: `Vault lists nothing at ${listPath}; ESO's find would fail with "Secret does not exist".`,
    hint: 'Check find.path against the secrets under the store\'s mount.',
  };
}
