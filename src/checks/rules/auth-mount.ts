// Auth mount and role existence for the store's login. Mount and role existence are what any
// client learns from a login attempt (Vault answers `invalid role name` / no route), so they are
// stated; the role-not-found wording keeps open that the store may just not see it.
import type { IdentityPlan } from '../../eso/model.js';
import type { AuthMountFact } from '../../vault/facts.js';
import type { Finding } from '../finding.js';
import { describeStore, type StoreLabel } from './describe.js';

/** Auth mount types that serve a login of each ESO auth method. */
export const AUTH_TYPES_FOR_METHOD: Partial<Record<IdentityPlan['method'], string[]>> = {
  kubernetes: ['kubernetes'],
  jwt: ['jwt', 'oidc'],
  appRole: ['approle'],
  ldap: ['ldap'],
  userPass: ['userpass'],
  cert: ['cert'],
  iam: ['aws'],
  gcp: ['gcp'],
};

export interface AuthMountInput {
  store: StoreLabel;
  /** The field holding the mount path (`spec.provider.vault.auth.kubernetes.mountPath`). */
  mountField: string;
  reportField?: string;
  method: IdentityPlan['method'];
  authMountPath: string;
  /** `sys/auth` keyed by path with trailing slash. */
  authMounts: Record<string, AuthMountFact>;
  /**
   * The Vault namespace the login runs in (ESO: `auth.namespace`, else the store's `namespace`), and
   * whether `auth.namespace` chose it: a store with `namespace` alone logs in there too, which
   * is easy to miss when the auth method lives in a parent namespace.
   */
  loginNamespace?: { path: string; fromAuthNamespace: boolean };
}

/** Returns the mount when it exists and has the right type, else findings. */
export function authMountFindings(input: AuthMountInput): { findings: Finding[]; mount?: AuthMountFact } {
  const expected = AUTH_TYPES_FOR_METHOD[input.method] ?? [];
  const key = `${input.authMountPath.replace(/\/+$/, '')}/`;
  const mount = input.authMounts[key];
  const field = input.reportField ?? input.mountField;
  if (!mount) {
    const sameType = Object.values(input.authMounts)
      .filter((m) => expected.includes(m.type))
      .map((m) => m.path.replace(/\/$/, ''));
    const ns = input.loginNamespace;
    const where = ns ? ` in Vault namespace "${ns.path}"` : '';
    // Without auth.namespace, ESO logs in under the store's namespace (auth.go useAuthNamespace).
    const nsHint = ns && !ns.fromAuthNamespace ? ` Without spec.provider.vault.auth.namespace ESO logs in under the store's namespace "${ns.path}": if the auth method lives in another namespace (e.g. a parent), set auth.namespace to it.` : '';
    return {
      findings: [
        {
          code: 'AuthMountNotFound',
          severity: 'error',
          field,
          message: `${describeStore(input.store)} logs in at auth mount "${input.authMountPath}"${where}, but Vault has no auth method enabled at that path${where ? ' there' : ''}.`,
          hint:
            (sameType.length > 0
              ? `Set ${input.mountField.split('.').pop() ?? 'the mount path'} to the ${expected[0]} auth mount's path (${sameType.map((p) => `"${p}"`).join(', ')}).`
              : `Enable ${expected[0] ?? 'the'} auth at "${input.authMountPath}"${where}, or point the store at the path where it is enabled.`) + nsHint,
        },
      ],
    };
  }
  if (expected.length > 0 && !expected.includes(mount.type)) {
    return {
      findings: [
        {
          code: 'AuthMountTypeMismatch',
          severity: 'error',
          field,
          message: `${describeStore(input.store)} uses ${input.method} auth, but the auth mount "${input.authMountPath}" is of type "${mount.type}", not "${expected[0]}".`,
          hint: `Point the store at a ${expected[0]} auth mount, or use the auth method that matches "${input.authMountPath}" (${mount.type}).`,
        },
      ],
    };
  }
  return { findings: [], mount };
}

export function roleNotFoundFinding(args: {
  store: StoreLabel;
  roleField: string;
  reportField?: string;
  roleName: string;
  authMountPath: string;
  method: IdentityPlan['method'];
}): Finding {
  const vaultError = args.method === 'jwt' ? `role "${args.roleName.toLowerCase()}" could not be found` : `invalid role name "${args.roleName}"`;
  return {
    code: 'RoleNotFound',
    severity: 'error',
    field: args.reportField ?? args.roleField,
    message: `Role "${args.roleName}" was not found at auth mount "${args.authMountPath}", or ${describeStore(args.store)} cannot see it; ESO's login would fail (Vault: ${vaultError}).`,
    hint: `Check the role name in ${args.roleField} (role names are case-insensitive) against the roles defined at auth/${args.authMountPath}/role/.`,
  };
}
