// Names a manifest puts into Vault paths (role, auth mount, namespace, KV key) that Vault could not
// hold or that climb out of their path. Nothing is requested for them (src/vault/request-path.ts
// refuses them too), so the answer is the same whether anything exists behind such a name.
import type { VaultRequestPlan } from '../../eso/model.js';
import { NAME_WORDS, vaultNameProblem, type VaultNameProblem } from '../../vault/request-path.js';
import type { Finding } from '../finding.js';
import { describeStore, type StoreLabel } from './describe.js';

/** A mount path as ESO's requests reach it (the Vault client cleans `auth/<path>/login`, `<path>/data/<key>`): no empty segments. */
export function esoMountPath(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
}

/** A role name Vault cannot hold: no role has it, so ESO's login fails (`invalid role name`). */
export function invalidRoleFinding(args: { store: StoreLabel; roleField: string; reportField?: string; problem: VaultNameProblem }): Finding {
  const { problem } = args;
  return {
    code: 'RoleNotFound',
    severity: 'error',
    field: args.reportField ?? args.roleField,
    message: `${describeStore(args.store)} logs in with a role: expected ${problem.expected}, found ${JSON.stringify(problem.name)}, which ${problem.reason}. No Vault role can be named so: ESO's login would fail (Vault: invalid role name).`,
    hint: `Set ${args.roleField} to the name of a role defined at the store's auth mount.`,
  };
}

/** A name that is not checked: the webhook sends no request with it. */
export function uncheckedNameFinding(args: { field: string; problem: VaultNameProblem; consequence: string }): Finding {
  const { problem } = args;
  return {
    code: 'NotVerifiable',
    severity: 'info',
    field: args.field,
    message: `Expected ${problem.expected} as the ${NAME_WORDS[problem.kind]}, found ${JSON.stringify(problem.name)}, which ${problem.reason}; ${args.consequence}.`,
  };
}

/**
 * Why the webhook must not send ESO's KV request for this path: a `.`/`..` segment in the path as
 * ESO builds it (the Vault client cleans it, so ESO reads another path than the one written), or a
 * name the request builder refuses. Undefined when the request may be sent.
 */
export function kvRequestProblem(request: VaultRequestPlan, aclPath: string): VaultNameProblem | undefined {
  const dot = request.logicalPath.includes('.') ? request.logicalPath.split('/').find((s) => s === '.' || s === '..') : undefined;
  if (dot !== undefined) {
    return {
      kind: 'secretPath',
      name: request.logicalPath,
      reason: `has a "${dot}" segment that the Vault client resolves before sending (ESO requests ${aclPath})`,
      expected: 'a secret path of "/"-separated names (no "." or ".." segment)',
    };
  }
  const bare = aclPath.endsWith('/') ? aclPath.slice(0, -1) : aclPath;
  return bare === '' ? undefined : vaultNameProblem('secretPath', bare);
}

/** Finding for a KV request the webhook does not send. */
export function uncheckedKvPathFinding(field: string, problem: VaultNameProblem, coverageChecked: boolean): Finding {
  return uncheckedNameFinding({
    field,
    problem,
    consequence: coverageChecked
      ? 'the webhook checked only policy coverage: it does not ask Vault about such a path'
      : 'the webhook does not ask Vault about such a path',
  });
}
