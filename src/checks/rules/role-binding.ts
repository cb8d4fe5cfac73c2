// Role binding: does the Vault role accept the identity ESO will present at login?
// Mirrors the kubernetes and jwt auth plugins' login checks (test/fixtures/reference/vault/auth-binding.md);
// each mismatch carries Vault's own error text, which the store's identity would get from a login.
import { serviceAccountTokenClaims, type ServiceAccountTokenClaims } from '../../eso/identity.js';
import type { IdentityPlan } from '../../eso/model.js';
import type { Finding } from '../finding.js';
import { goGlobMatch, listContainsGlob } from '../glob.js';
import { describeStore, quoteList, type StoreLabel } from './describe.js';

export interface RoleBindingInput {
  store: StoreLabel;
  /** The store's auth field, e.g. `spec.provider.vault.auth.kubernetes`. */
  authField: string;
  /** When set (ExternalSecret checks), every finding is reported on this field instead. */
  reportField?: string;
  identity: IdentityPlan;
  authMountPath: string;
  roleName: string;
  /** The role as `GET auth/<mount>/role/<role>` returns it. */
  role: Record<string, unknown>;
  /** Labels of the ServiceAccount's namespace, for `bound_service_account_namespace_selector`; undefined when unknown. */
  serviceAccountNamespaceLabels?: Record<string, string>;
  /** Audiences the API server puts into a token requested without audiences. */
  defaultAudiences: string[];
  /** Quote the role's bound values (only when the store's identity may read the role, or operator trust). */
  revealRoleDefinition: boolean;
}

interface Mismatch {
  /** Field suffix under the auth field (`.serviceAccountRef.name`), '' for the auth block itself. */
  subField: string;
  /** Vault's login error text. */
  vaultError: string;
  what: string;
  /** Only shown with revealRoleDefinition. */
  detail?: string;
  hint: string;
}

export function toStringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [];
}

export function roleBindingFindings(input: RoleBindingInput): Finding[] {
  const { identity } = input;
  let mismatches: Mismatch[];
  const unverifiable: string[] = [];
  if (identity.method === 'kubernetes') mismatches = kubernetesMismatches(input, unverifiable);
  else if (identity.method === 'jwt') mismatches = jwtMismatches(input, unverifiable);
  else return [];
  const storeText = describeStore(input.store);
  const findings: Finding[] = mismatches.map((m) => ({
    code: 'RoleBindingMismatch',
    severity: 'error',
    field: input.reportField ?? `${input.authField}${m.subField}`,
    message:
      `Vault role "${input.roleName}" at auth mount "${input.authMountPath}" will reject the login of ${storeText}: ` +
      `${m.what} (Vault: ${m.vaultError})` +
      (input.revealRoleDefinition && m.detail ? `; ${m.detail}` : '') +
      '.',
    hint: m.hint,
  }));
  for (const reason of unverifiable) {
    findings.push({
      code: 'NotVerifiable',
      severity: 'info',
      field: input.reportField ?? input.authField,
      message: `Part of the binding of Vault role "${input.roleName}" cannot be checked before a login: ${reason}.`,
    });
  }
  return findings;
}

function presentedServiceAccount(identity: IdentityPlan): string {
  const sa = identity.serviceAccount;
  if (!sa) return 'the ServiceAccount ESO presents';
  const who = sa.source === 'controller' ? 'ESO controller ServiceAccount' : 'ServiceAccount';
  return `${who} "${sa.namespace}/${sa.name}"`;
}

function tokenAudiences(identity: IdentityPlan, defaultAudiences: string[]): string[] {
  return serviceAccountTokenClaims(identity, defaultAudiences)?.aud ?? [];
}

function kubernetesMismatches(input: RoleBindingInput, unverifiable: string[]): Mismatch[] {
  const sa = input.identity.serviceAccount;
  if (!sa) return [];
  const out: Mismatch[] = [];
  const role = input.role;
  const names = toStringList(role['bound_service_account_names']);
  const presented = presentedServiceAccount(input.identity);
  if (!(names.length === 1 && names[0] === '*') && !listContainsGlob(names, sa.name)) {
    out.push({
      subField: '.serviceAccountRef.name',
      vaultError: 'service account name not authorized',
      what: `the role does not bind the name of the ${presented}`,
      detail: `the role binds names ${quoteList(names)}`,
      hint: `Use a ServiceAccount the role binds in serviceAccountRef.name, or add "${sa.name}" to the role's bound_service_account_names.`,
    });
  }
  const namespaces = toStringList(role['bound_service_account_namespaces']);
  // An empty namespace means "not known yet" (a referent ClusterSecretStore checked on its own).
  if (sa.namespace !== '') {
    const listed = namespaces[0] === '*' || listContainsGlob(namespaces, sa.namespace);
    let allowed = listed;
    const selectorText = role['bound_service_account_namespace_selector'];
    if (!listed && typeof selectorText === 'string' && selectorText.trim() !== '') {
      const matchLabels = parseMatchLabels(selectorText);
      if (matchLabels === undefined || input.serviceAccountNamespaceLabels === undefined) {
        unverifiable.push(`the role's bound_service_account_namespace_selector needs the labels of namespace "${sa.namespace}"`);
        allowed = true;
      } else {
        const labels = input.serviceAccountNamespaceLabels;
        allowed = Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
      }
    }
    if (!allowed) {
      out.push({
        subField: '.serviceAccountRef.namespace',
        vaultError: 'namespace not authorized',
        what: `the role does not bind namespace "${sa.namespace}" of the ${presented}`,
        detail: `the role binds namespaces ${quoteList(namespaces)}`,
        hint:
          input.store.kind === 'ClusterSecretStore'
            ? `Set serviceAccountRef.namespace to a namespace the role binds, or add "${sa.namespace}" to the role's bound_service_account_namespaces.`
            : `Add "${sa.namespace}" to the role's bound_service_account_namespaces, or use a role that binds this namespace.`,
      });
    }
  }
  const audience = role['audience'];
  if (typeof audience === 'string' && audience !== '') {
    const aud = tokenAudiences(input.identity, input.defaultAudiences);
    if (!aud.includes(audience)) {
      out.push({
        subField: '.serviceAccountRef.audiences',
        vaultError: 'invalid audience (aud) claim: audience claim does not match any expected audience',
        what: `the token ESO requests carries audiences ${quoteList(aud)}, not the one the role requires`,
        detail: `the role requires audience "${audience}"`,
        hint: input.revealRoleDefinition
          ? `Set serviceAccountRef.audiences: ["${audience}"].`
          : `Set serviceAccountRef.audiences to the audience configured on the Vault role (its "audience" field).`,
      });
    }
  }
  return out;
}

/** `bound_service_account_namespace_selector` holds a JSON or YAML LabelSelector with matchLabels only. */
function parseMatchLabels(text: string): Record<string, string> | undefined {
  // JSON is the common form; a YAML selector cannot be evaluated here without guessing, so it is "unknown".
  try {
    const parsed = JSON.parse(text) as { matchLabels?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.matchLabels ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

/** A claim value the webhook cannot know before the token exists (issuer, UID, jti). */
const UNKNOWN = Symbol('unknown claim value');
type ClaimValue = string | number | boolean | null | ClaimValue[] | { [k: string]: ClaimValue } | typeof UNKNOWN;

/** The token's claims (eso/identity.ts), with the values issued only with the token marked unknown. */
function serviceAccountClaims(identity: IdentityPlan, defaultAudiences: string[]): Record<string, ClaimValue> {
  const known = serviceAccountTokenClaims(identity, defaultAudiences) as ServiceAccountTokenClaims;
  return {
    aud: known.aud,
    exp: UNKNOWN,
    iat: UNKNOWN,
    nbf: UNKNOWN,
    iss: UNKNOWN,
    jti: UNKNOWN,
    sub: known.sub,
    'kubernetes.io': { namespace: known['kubernetes.io'].namespace, serviceaccount: { name: known['kubernetes.io'].serviceaccount.name, uid: UNKNOWN } },
  };
}

/** Claim lookup as the jwt plugin does it: a key starting with `/` is a JSON pointer. */
function lookupClaim(claims: Record<string, ClaimValue>, key: string, pointer: boolean): ClaimValue | undefined {
  if (!pointer || !key.startsWith('/')) return claims[key];
  let cur: ClaimValue | undefined = claims;
  for (const raw of key.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === UNKNOWN) return UNKNOWN;
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(part)] : (cur as Record<string, ClaimValue>)[part];
  }
  return cur;
}

function jwtMismatches(input: RoleBindingInput, unverifiable: string[]): Mismatch[] {
  if (!input.identity.serviceAccount) return [];
  const role = input.role;
  const out: Mismatch[] = [];
  const roleType = typeof role['role_type'] === 'string' ? (role['role_type'] as string) : 'oidc';
  if (roleType === 'oidc') {
    out.push({
      subField: '.role',
      vaultError: 'role with oidc role_type is not allowed',
      what: 'the role is an OIDC role, which cannot be used for a JWT login',
      hint: 'Set role_type=jwt on the Vault role (it defaults to oidc), or use a role of type jwt.',
    });
    return out;
  }
  const claims = serviceAccountClaims(input.identity, input.defaultAudiences);
  const aud = claims['aud'] as string[];
  const boundSubject = role['bound_subject'];
  if (typeof boundSubject === 'string' && boundSubject !== '' && boundSubject !== claims['sub']) {
    out.push({
      subField: '.kubernetesServiceAccountToken.serviceAccountRef',
      vaultError: 'error validating token: invalid subject (sub) claim',
      what: `the token's subject "${String(claims['sub'])}" is not the role's bound_subject`,
      detail: `the role binds subject "${boundSubject}"`,
      hint: 'Use the ServiceAccount the role binds as subject, or change the role\'s bound_subject.',
    });
  }
  const boundAudiences = toStringList(role['bound_audiences']);
  if (boundAudiences.length > 0 && !boundAudiences.some((a) => aud.includes(a))) {
    out.push({
      subField: '.kubernetesServiceAccountToken.audiences',
      vaultError: 'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
      what: `the token ESO requests carries audiences ${quoteList(aud)}, none of which the role accepts`,
      detail: `the role binds audiences ${quoteList(boundAudiences)}`,
      hint: input.revealRoleDefinition
        ? `Set kubernetesServiceAccountToken.audiences: ["${boundAudiences[0] ?? ''}"].`
        : 'Set kubernetesServiceAccountToken.audiences to an audience listed in the role\'s bound_audiences.',
    });
  } else if (boundAudiences.length === 0 && aud.length > 0) {
    out.push({
      subField: '.kubernetesServiceAccountToken.audiences',
      vaultError: 'audience claim found in JWT but no audiences bound to the role',
      what: `the token carries audiences ${quoteList(aud)} but the role binds no audience`,
      hint: 'Set bound_audiences on the Vault role to the audience ESO requests (ESO adds "vault" unless kubernetesServiceAccountToken.audiences is set).',
    });
  }
  const pointer = role['user_claim_json_pointer'] === true;
  const userClaim = typeof role['user_claim'] === 'string' ? (role['user_claim'] as string) : '';
  if (userClaim !== '') {
    const value = lookupClaim(claims, userClaim, pointer);
    if (value === undefined) {
      out.push({
        subField: '.role',
        vaultError: `claim "${userClaim}" not found in token`,
        what: `the role's user_claim "${userClaim}" is not a claim of a Kubernetes ServiceAccount token`,
        hint: 'Set the role\'s user_claim to a claim the token has, such as "sub".',
      });
    } else if (value !== UNKNOWN && typeof value !== 'string') {
      out.push({
        subField: '.role',
        vaultError: `claim "${userClaim}" could not be converted to string`,
        what: `the role's user_claim "${userClaim}" is not a string claim in a Kubernetes ServiceAccount token`,
        hint: 'Set the role\'s user_claim to a string claim such as "sub".',
      });
    }
  }
  const groupsClaim = role['groups_claim'];
  if (typeof groupsClaim === 'string' && groupsClaim !== '' && lookupClaim(claims, groupsClaim, true) === undefined) {
    out.push({
      subField: '.role',
      vaultError: `failed to fetch groups: "${groupsClaim}" claim not found in token`,
      what: `the role's groups_claim "${groupsClaim}" is not a claim of a Kubernetes ServiceAccount token`,
      hint: 'Remove groups_claim from the role or point it at a claim the token has.',
    });
  }
  const boundClaims = role['bound_claims'];
  const globType = role['bound_claims_type'] === 'glob';
  if (boundClaims && typeof boundClaims === 'object' && !Array.isArray(boundClaims)) {
    for (const [key, expectedRaw] of Object.entries(boundClaims as Record<string, unknown>)) {
      const actual = lookupClaim(claims, key, true);
      if (actual === UNKNOWN) {
        unverifiable.push(`bound claim "${key}" depends on a token value not known before login`);
        continue;
      }
      if (actual === undefined) {
        out.push({
          subField: '.kubernetesServiceAccountToken',
          vaultError: `error validating claims: claim "${key}" is missing`,
          what: `the role requires claim "${key}", which a Kubernetes ServiceAccount token does not have`,
          hint: 'Bind on claims the token has (sub, aud, /kubernetes.io/namespace, /kubernetes.io/serviceaccount/name).',
        });
        continue;
      }
      const expected = Array.isArray(expectedRaw) ? expectedRaw : [expectedRaw];
      const actualValues = Array.isArray(actual) ? actual : [actual];
      const matched = expected.some((e) =>
        actualValues.some((a) => (globType ? typeof a === 'string' && typeof e === 'string' && goGlobMatch(e, a) : a === e)),
      );
      if (!matched) {
        out.push({
          subField: '.kubernetesServiceAccountToken.serviceAccountRef',
          vaultError: `error validating claims: claim "${key}" does not match any associated bound claim values`,
          what: `the token's claim "${key}" (${JSON.stringify(actual)}) is not among the values the role binds`,
          detail: `the role binds ${JSON.stringify(expected)}${globType ? ' (glob)' : ''}`,
          hint: 'Use a ServiceAccount whose token matches the role\'s bound_claims, or extend bound_claims on the role.',
        });
      }
    }
  }
  return out;
}
