// The registry of finding codes: each code is declared here once, with everything known about it —
// its severity, one-line summary, who may see it, whether it judges the manifest, a real example,
// how to fix it. docs/finding-codes.md, the SARIF rules of `check --format sarif` and the tables the
// tests hold examples/README.md to are generated from or checked against this module; code that
// treats some codes specially asks their properties here, never compares code strings.
// Codes are stable API: never rename one. CONTRIBUTING.md says how a code is added.

export type Severity = 'error' | 'warning' | 'info';

export interface FindingCodeSpec {
  /** The severity the rules give it in the usual case (the SARIF rule's default level). */
  severity: Severity;
  /** The exceptions, as the docs append them to the severity, e.g. ` (warning with deletionPolicy Delete/Merge)`. */
  severityNote?: string;
  /** One line: what it means (docs table, SARIF shortDescription). */
  summary: string;
  /**
   * Who is shown it. `author`: the admission response, `check` output, Events. `operator`: counted
   * and logged only (metrics, logs, /report); a reference that produces it is otherwise not judged.
   */
  shownTo?: 'author' | 'operator';
  /**
   * False for a finding that says Vault could not be asked, nothing about the manifest: the audit
   * never reports it as drift, and the admission shows it instead of the "Not checked" line.
   */
  aboutManifest?: boolean;
  /** A real message from examples/, as kubectl shows it (docs). */
  example: string;
  /** What a person does about it (docs, SARIF help). */
  fix: string;
  /**
   * Where it is produced for real: objects of examples/ per folder (`namespace/name`, or `name` when
   * cluster-scoped), each held to its folder's expected.json, and listed in examples/README.md; or,
   * for a code no example folder can produce, the test that produces it.
   */
  producedBy: { examples: Readonly<Record<string, readonly string[]>>; note?: string } | { test: string; note?: string };
}

/** The TLS-trust codes need certificates generated at test time. */
const LIVE_TLS = {
  test: 'test/checks/tls-trust.test.ts',
  note: 'needs certificates generated at test time, which an example folder cannot carry',
} as const;

export const FINDING_REGISTRY = {
  StoreNotFound: {
    severity: 'error',
    summary: 'The referenced SecretStore/ClusterSecretStore does not exist (an omitted kind means SecretStore).',
    example: '`[StoreNotFound] spec.secretStoreRef: ClusterSecretStore "vault-bakend" does not exist; ESO would fail with "could not get ClusterSecretStore "vault-bakend", clustersecretstores.external-secrets.io "vault-bakend" not found".` Fix: Create the ClusterSecretStore "vault-bakend", or fix spec.secretStoreRef.name.',
    fix: 'Create the store, or correct `spec.secretStoreRef.name`/`kind` (or the entry\'s `sourceRef.storeRef`). An omitted `kind` means `SecretStore` in the ExternalSecret\'s own namespace; write `kind: ClusterSecretStore` for a cluster-wide store.',
    producedBy: { examples: { 'classic-mistakes': ['apps/app-db-store-typo'] } },
  },
  StoreNamespaceNotAllowed: {
    severity: 'error',
    summary: 'The ClusterSecretStore\'s spec.conditions do not admit the ExternalSecret\'s namespace.',
    example: '`[StoreNamespaceNotAllowed] spec.secretStoreRef: ClusterSecretStore "vault-payments-only" does not allow namespace "marketing": no condition matches namespace "marketing" (spec.conditions[0]: namespaces ["payments"]) …`',
    fix: 'Add the namespace (or a label selector matching it) to the ClusterSecretStore\'s `spec.conditions`, or use a store that already admits this namespace. Namespace labels are read from the cluster (or the `Namespace` objects given to `check`).',
    producedBy: { examples: { 'classic-mistakes': ['marketing/stripe'] } },
  },
  StoreOutOfScope: {
    severity: 'info',
    shownTo: 'operator',
    summary: 'The reference uses a non-Vault store; it is left alone (logged, not shown).',
    example: 'A reference to a non-Vault store (`ClusterSecretStore "aws-parameter-store" uses provider aws; only Vault stores are checked.`) — passes untouched.',
    fix: 'Nothing to fix: only Vault stores are checked. The finding is logged for operators and never shown to the user.',
    producedBy: { examples: { 'platform-team-templated': ['payments/legacy-feature-flags'] }, note: 'an AWS store' },
  },
  MountNotFound: {
    severity: 'error',
    summary: 'No KV mount serves the path ESO builds from the store path and key.',
    example: '`[MountNotFound] spec.provider.vault.path: No secrets engine is mounted at a path serving kv-staging/data/<key>, which ESO requests through ClusterSecretStore "vault-staging".`',
    fix: 'Set the store\'s `spec.provider.vault.path` to the KV mount (e.g. `secret`, without `data/`), or enable a KV engine at that path in Vault. `vault secrets list` shows the mounts.',
    producedBy: { examples: { 'classic-mistakes': ['vault-staging'] } },
  },
  KVVersionMismatch: {
    severity: 'error',
    severityNote: ' (warning for a v1 store on a v2 mount)',
    summary: 'The store\'s version (v1/v2) does not match the KV mount\'s version.',
    example: '`[KVVersionMismatch] spec.provider.vault.version: "legacy" is a KV version 1 mount, but ClusterSecretStore "vault-legacy" has version: v2 (the CRD default when omitted), so ESO requests legacy/data/<key>, a path KV v1 does not serve this way.` Fix: Set spec.provider.vault.version: v1 on the store.',
    fix: 'Make the store\'s `spec.provider.vault.version` match the mount: `v2` (the CRD default) for a KV v2 mount, `v1` for KV v1. `vault secrets list -detailed` shows each mount\'s version.',
    producedBy: { examples: { 'classic-mistakes': ['vault-legacy', 'apps/legacy-config-v2-store'] } },
  },
  SecretNotFound: {
    severity: 'error',
    severityNote: ' (warning with `deletionPolicy: Delete/Merge`)',
    summary: 'The secret ESO reads does not exist (shown only when the store may read the path).',
    example: '`[SecretNotFound] spec.data[0].remoteRef.key: Vault has no secret at apps/data/team-a/smpt; ESO would fail with "Secret does not exist".` Fix: Did you mean "team-a/smtp"?',
    fix: 'Correct `remoteRef.key` to the secret\'s path below the store\'s mount (without the mount and without `data/`, which ESO adds for KV v2), or create the secret. The hint names the closest existing path when the store may list it.',
    producedBy: { examples: { 'classic-mistakes': ['apps/app-db-data-in-key'], 'platform-team-templated': ['team-a/api-smtp-typo'] } },
  },
  SecretVersionNotFound: {
    severity: 'error',
    summary: 'The pinned remoteRef.version does not exist.',
    example: '`[SecretVersionNotFound] spec.data[0].remoteRef.version: Version 7 of apps/data/team-a/db does not exist (ESO: Secret does not exist); its versions are 1, 2, 3, current 3.`',
    fix: 'Pin a version that exists (the message lists them), or remove `remoteRef.version` to read the current one.',
    producedBy: { examples: { 'platform-team-templated': ['team-a/api-db-pinned-missing'] } },
  },
  SecretDeleted: {
    severity: 'error',
    summary: 'The version ESO reads is soft-deleted or destroyed.',
    example: '`[SecretDeleted] spec.data[0].remoteRef.version: Version 2 of apps/data/team-a/db was deleted at 2026-01-01T01:30:00Z; ESO would fail with "Secret does not exist".`',
    fix: 'Undelete the version in Vault (`vault kv undelete -versions=N`), pin a version that is not deleted, or remove `remoteRef.version` to read the current one. A destroyed version cannot be restored.',
    producedBy: { examples: { 'platform-team-templated': ['team-a/api-db-pinned-deleted'] } },
  },
  PropertyNotFound: {
    severity: 'error',
    summary: 'remoteRef.property does not resolve in the secret (ESO semantics), with "did you mean".',
    example: '`[PropertyNotFound] spec.data[0].remoteRef.property: apps/data/team-a/db has no property "passwrod" (ESO: cannot find secret data for key: "passwrod").` Fix: Did you mean "password"?',
    fix: 'Use a property the secret has (the hint offers the closest key). ESO looks up the exact key first, then a gjson path; do not prefix it with `data.` — ESO already unwraps KV v2\'s `data`.',
    producedBy: { examples: { 'classic-mistakes': ['apps/app-db-data-prefix'], 'jwt-service-account-token': ['payments/stripe-rotation-typo'] } },
  },
  PolicyDenied: {
    severity: 'error',
    severityNote: ' (warning on a store whose role grants nothing under its mount)',
    summary: 'The store\'s role policies do not grant what ESO\'s request needs; names the deciding rule and the stanza to add.',
    example: '`[PolicyDenied] spec.data[0].remoteRef.key: SecretStore "team-a/vault" logs in as role "team-a" at auth mount "kubernetes" (policies "app-secrets", "default"), which may not read apps/data/team-b/db: no rule in these policies matches the path.` Fix: … add to a policy of role "team-a": `path "apps/data/team-b/db" { capabilities = ["read"] }`',
    fix: 'Add the stanza from the hint to one of the role\'s policies (or attach a policy that has it) — or use a store whose role may read the path. The message names the store, role, auth mount, policies and the rule that decided.',
    producedBy: { examples: { 'platform-team-templated': ['team-a/reads-team-b-db'], 'classic-mistakes': ['vault-monitoring-role'] } },
  },
  AuthMountNotFound: {
    severity: 'error',
    summary: 'No auth method is enabled at the store\'s auth mount path.',
    example: '`[AuthMountNotFound] spec.provider.vault.auth.kubernetes.mountPath: ClusterSecretStore "vault-auth-typo" logs in at auth mount "kubernetes-prod", but Vault has no auth method enabled at that path.`',
    fix: 'Set the store\'s auth `mountPath` to an enabled auth method (`vault auth list`), or enable one at that path.',
    producedBy: { examples: { 'classic-mistakes': ['vault-auth-typo'] } },
  },
  AuthMountTypeMismatch: {
    severity: 'error',
    summary: 'The auth mount is of another type than the store\'s auth method.',
    example: '`[AuthMountTypeMismatch] spec.provider.vault.auth.kubernetes.mountPath: ClusterSecretStore "vault-auth-wrong-type" uses kubernetes auth, but the auth mount "jwt" is of type "jwt", not "kubernetes".`',
    fix: 'Use the auth block that matches the mount\'s type (`kubernetes:` for a kubernetes mount, `jwt:` for a jwt mount), or point `mountPath` at a mount of the right type.',
    producedBy: { examples: { 'classic-mistakes': ['vault-auth-wrong-type'] } },
  },
  RoleNotFound: {
    severity: 'error',
    summary: 'The Vault role was not found at the auth mount (or the store cannot see it), or its name is one no Vault role can have.',
    example: '`[RoleNotFound] spec.provider.vault.auth.kubernetes.role: Role "team-c" was not found at auth mount "kubernetes", or SecretStore "team-c/vault" cannot see it; ESO\'s login would fail (Vault: invalid role name "team-c").`',
    fix: 'Correct the role name, or create the role at that auth mount (`vault write auth/<mount>/role/<name> …`). If the role exists, the store\'s own policies cannot read it; the webhook will not say more.',
    producedBy: { examples: { 'classic-mistakes': ['vault-role-typo'], 'platform-team-templated': ['team-c/vault'] } },
  },
  RoleBindingMismatch: {
    severity: 'error',
    summary: 'The role rejects the identity ESO presents (ServiceAccount name/namespace, audience, JWT claims).',
    example: '`[RoleBindingMismatch] spec.provider.vault.auth.jwt.kubernetesServiceAccountToken.audiences: Vault role "eso-prod" at auth mount "jwt-k8s" will reject the login of ClusterSecretStore "vault-jwt-vault-audience": the token ESO requests carries audiences "vault", none of which the role accepts …`',
    fix: 'Make the identity ESO presents match the role: the ServiceAccount name and namespace (`bound_service_account_names`/`_namespaces`), the token audiences (`serviceAccountRef.audiences` or the role\'s `audience`/`bound_audiences`), or the JWT claims the role binds. The message says which binding rejects the login.',
    producedBy: { examples: { 'classic-mistakes': ['vault-wrong-sa', 'vault-wrong-audience'], 'jwt-service-account-token': ['vault-jwt-oidc-role'] } },
  },
  TokenReviewNotPermitted: {
    severity: 'error',
    summary: 'Kubernetes auth in client-JWT mode (no token_reviewer_jwt, disable_local_ca_jwt = true): the API server says the ServiceAccount ESO logs in as may not create tokenreviews (no system:auth-delegator), so Vault\'s TokenReview and ESO\'s login fail (403 permission denied).',
    example: '`[TokenReviewNotPermitted] spec.provider.vault.auth.kubernetes.serviceAccountRef: Vault\'s Kubernetes auth at "dev-kubernetes" has no token_reviewer_jwt and disable_local_ca_jwt = true, so Vault sends the TokenReview with the token ClusterSecretStore "vault-backend" presents: ServiceAccount external-secrets/external-secrets is expected to be allowed to create tokenreviews.authentication.k8s.io (ClusterRole system:auth-delegator), found the API server denies it (SubjectAccessReview); ESO\'s login fails (ESO: "unable to log in with Kubernetes auth: … Code: 403. Errors: * permission denied" …). Fix: kubectl create clusterrolebinding external-secrets-external-secrets-tokenreview-binding --clusterrole=system:auth-delegator --serviceaccount=external-secrets:external-secrets`',
    fix: 'Bind the ClusterRole `system:auth-delegator` to the ServiceAccount ESO logs in as (the command in the message), or give Vault a reviewer: `token_reviewer_jwt` of a ServiceAccount that holds it, or Vault in the cluster with `disable_local_ca_jwt = false`. Only asked in client-JWT mode, of the API server by SubjectAccessReview (the webhook and `check --stores-from cluster`; the webhook needs `create subjectaccessreviews`, which the shipped RBAC grants). A SubjectAccessReview that fails is could-not-check, never this finding; `check` without a cluster says NotVerifiable once per store.',
    producedBy: { test: 'test/eso-coverage/client-jwt.test.ts', note: "the examples' clusters bind system:auth-delegator to every ServiceAccount their stores name; a denial needs a cluster without it (also the e2e scenario beside kv-dev-kubernetes-auth)" },
  },
  InsecureVaultAddress: {
    severity: 'warning',
    summary: 'The Vault server is plain http://.',
    example: '`[InsecureVaultAddress] spec.provider.vault.server: Vault server "http://vault-dr.example.internal:8200" is plain HTTP: login tokens and secret values cross this connection unencrypted.`',
    fix: 'Use `https://` for `spec.provider.vault.server` (and `caBundle`/`caProvider` if Vault\'s certificate is not publicly trusted).',
    producedBy: { examples: { 'classic-mistakes': ['vault-dr'] } },
  },
  VaultCertificateNotTrusted: {
    severity: 'error',
    summary: 'ESO\'s CA set (caBundle, caProvider, or its image\'s system roots) does not verify the chain Vault presents ("x509: certificate signed by unknown authority"); the fix names the CA to trust by subject and SHA-256 fingerprint.',
    example: '`[VaultCertificateNotTrusted] spec.provider.vault.caBundle: ESO\'s connection to https://vault.example.internal:8200 fails with "tls: failed to verify certificate: x509: certificate signed by unknown authority": the server\'s certificate "CN=vault.example.internal" (SHA-256 6E:3D:…:DA:49), issued by "CN=vault-internal-ca", does not chain to the CA set in caBundle.`',
    fix: 'Trust the CA the message names (subject and SHA-256 fingerprint): put its PEM, base64-encoded, into `spec.provider.vault.caBundle`, or into the ConfigMap/Secret key `caProvider` names. See [tls-trust.md](tls-trust.md).',
    producedBy: LIVE_TLS,
  },
  VaultCertificateHostMismatch: {
    severity: 'error',
    summary: 'The host of spec.provider.vault.server is not in the SANs of Vault\'s certificate ("x509: certificate is valid for …, not …").',
    example: '`[VaultCertificateHostMismatch] spec.provider.vault.server: ESO checks Vault\'s certificate for the host of https://127.0.0.1:8200 and fails with "tls: failed to verify certificate: x509: certificate is valid for 10.0.0.12, not 127.0.0.1".`',
    fix: 'Use a `server` URL whose host is one of the names the certificate is valid for (the message lists them), or reissue Vault\'s certificate with that host in its subject alternative names.',
    producedBy: LIVE_TLS,
  },
  InvalidCABundle: {
    severity: 'error',
    summary: 'caBundle (or the PEM under a caProvider key) holds no certificate ESO can use, e.g. PEM text where the CRD wants base64 (external-secrets#3978).',
    example: '`[InvalidCABundle] spec.provider.vault.caBundle: caBundle holds PEM text where the CRD wants the base64 of the PEM bytes; the API server rejects it: "spec.provider.vault.caBundle in body must be of type byte" (external-secrets#3978).`',
    fix: 'Put the base64 of the PEM file into `caBundle` (`base64 -w0 ca.pem`), or reference the PEM through `caProvider`.',
    producedBy: LIVE_TLS,
  },
  InvalidCAProvider: {
    severity: 'error',
    summary: 'ESO rejects the caProvider reference itself (a ClusterSecretStore without caProvider.namespace, a foreign namespace in a SecretStore).',
    example: '`[InvalidCAProvider] spec.provider.vault.caProvider.namespace: ESO rejects this caProvider: "missing namespace on caProvider secret".`',
    fix: 'A ClusterSecretStore\'s `caProvider` needs `namespace`; a SecretStore\'s must name its own namespace or none.',
    producedBy: LIVE_TLS,
  },
  CAProviderNotFound: {
    severity: 'error',
    summary: 'The caProvider ConfigMap/Secret or its key does not exist.',
    example: '`[CAProviderNotFound] spec.provider.vault.caProvider.key: ConfigMap external-secrets/vault-ca has no key "ca.pem"; ESO fails with "failed to get cert from configmap: failed to get caProvider configMap vault-ca -> ca.pem".`',
    fix: 'Create the ConfigMap/Secret with the CA\'s PEM under the named key, or fix `caProvider.name`/`key`/`namespace`.',
    producedBy: LIVE_TLS,
  },
  CAExpiring: {
    severity: 'warning',
    summary: 'A CA in caBundle/caProvider has expired or expires within 14 days.',
    example: '`[CAExpiring] spec.provider.vault.caBundle: The CA "CN=vault-internal-ca" (SHA-256 8F:23:…:A3:56) in caBundle expired on 2025-11-25T21:12:10Z; Go no longer accepts it as a trust anchor.` (also: expires within 14 days)',
    fix: 'Replace the CA in `caBundle`/`caProvider` with its renewed certificate before it expires; ESO\'s connection fails once it has.',
    producedBy: LIVE_TLS,
  },
  InvalidMountPath: {
    severity: 'error',
    summary: 'The auth mountPath looks like a file path (e.g. the ServiceAccount token path).',
    example: '`[InvalidMountPath] spec.provider.vault.auth.kubernetes.mountPath: "/var/run/secrets/kubernetes.io/serviceaccount/token" looks like a file path, but mountPath is the path of the Vault auth mount (ESO logs in at auth/<mountPath>/login).`',
    fix: 'Set `mountPath` to the Vault auth mount\'s path (e.g. `kubernetes`), not a file path. The ServiceAccount token is chosen with `serviceAccountRef`.',
    producedBy: { examples: { 'classic-mistakes': ['vault-mountpath-file'] } },
  },
  VaultUnavailable: {
    severity: 'warning',
    aboutManifest: false,
    severityNote: '; the failure mode decides',
    summary: 'Vault could not be asked (down, sealed, timed out, not configured); failOpen/failClosed decides.',
    example: '`[VaultUnavailable] spec.provider.vault.server: Not checked against Vault: the webhook has no login configured for Vault server "http://vault-dr.example.internal:8200".` (also: down, sealed, timed out)',
    fix: 'Not a problem of the manifest. Make Vault reachable and unsealed for the webhook, add the store\'s server to the webhook\'s `vault.servers` (or, for `check`, pass `--vault-addr`/`--vault-map` and a token), or raise `admission.deadlineMs`. `admission.failureMode` decides what happens meanwhile.',
    producedBy: { examples: { 'classic-mistakes': ['vault-dr'] }, note: 'no login configured for that server' },
  },
  NotVerifiable: {
    severity: 'info',
    summary: 'Something cannot be checked without a credential or a secret value the webhook must not read, or names a Vault path the webhook does not request.',
    example: '`[NotVerifiable] spec.provider.vault.auth.appRole: ClusterSecretStore "vault-approle" uses appRole auth (appRole login uses a secret_id read from a Kubernetes Secret), so the role binding and policy coverage cannot be checked.` Token, cert, iam, gcp, ldap and userPass auth are the same: never a denial.',
    fix: 'Nothing to fix: the store\'s auth method needs a credential the webhook must not read (token, AppRole secret_id, certificates, cloud keys, passwords), so policy coverage is not checked. `check --trust operator` checks more with a person\'s own token.',
    producedBy: { examples: { 'classic-mistakes': ['vault-approle', 'apps/app-db-approle'] } },
  },
  MalformedReference: {
    severity: 'error',
    summary: 'A reference ESO rejects before reading (e.g. metadataPolicy Fetch on KV v1).',
    example: '`[MalformedReference] spec.data[0].remoteRef.metadataPolicy: metadataPolicy is Fetch but the store is version: v1; ESO fails with "cannot perform metadata fetch operations with kv version v1".`',
    fix: 'Change the reference to one ESO accepts: the message quotes ESO\'s own error (e.g. `metadataPolicy: Fetch` needs a KV v2 store).',
    producedBy: { examples: { 'classic-mistakes': ['apps/legacy-config-fetch'] } },
  },
  NotChecked: {
    severity: 'info',
    summary: 'An ESO object of a kind or API version the checks do not judge: counted and listed as skipped, never reported clean.',
    example: '`[NotChecked] apiVersion: ExternalSecret external-secrets.io/v1alpha1 is not checked: …; it is counted as skipped, not as clean.` `check` lists such objects as skipped.',
    fix: 'Nothing is wrong with the object as far as the webhook knows: it does not judge this kind or API version. Move to `external-secrets.io/v1` to have it checked.',
    producedBy: { examples: { 'eso-semantics': ['apps/db-v1alpha1'] } },
  },
  InvalidSelector: {
    severity: 'error',
    severityNote: ' on the ExternalSecret; warning on the ClusterSecretStore',
    summary: 'A label selector ESO cannot convert (metav1.LabelSelectorAsSelector: label key/value syntax, operator, values); ESO\'s namespace check fails.',
    example: '`[InvalidSelector] spec.secretStoreRef: ClusterSecretStore "vault-team-selector" has a condition ESO cannot evaluate, so it cannot decide whether namespace "apps" may use the store and fails with "failed to convert label selector into selector …: key: Invalid value: "team name": …".`',
    fix: 'Fix the label selector in the ClusterSecretStore\'s `spec.conditions` (or the ClusterExternalSecret\'s / ClusterPushSecret\'s `namespaceSelectors`, or a PushSecret\'s `secretStoreRefs[].labelSelector`): label keys and values as Kubernetes allows them, operators `In`, `NotIn`, `Exists`, `DoesNotExist` with values only for `In`/`NotIn`.',
    producedBy: { examples: { 'eso-semantics': ['apps/db-selector-store', 'vault-team-selector'] } },
  },
  SecretKeyInvalid: {
    severity: 'error',
    summary: 'A dataFrom entry produces Secret keys ESO refuses (collision after conversion, invalid character after rewrite) or the API server refuses (Unicode letters).',
    example: '`[SecretKeyInvalid] spec.dataFrom[0].extract: … ESO fails with "error processing spec.dataFrom[0].extract, err: error applying conversion strategy to keys: secret name collision during conversion: DB_USER".` Also keys a rewrite leaves with "/", and Unicode keys the API server refuses.',
    fix: 'Add a `rewrite` (or change `conversionStrategy`) so every key is unique and consists of letters, digits, `-`, `_` and `.` only.',
    producedBy: { examples: { 'eso-semantics': ['apps/legacy-env'] } },
  },
  TemplateKeyNotFound: {
    severity: 'error',
    summary: 'target.template reads a key the ExternalSecret does not produce (ESO renders with missingkey=error), with "did you mean".',
    example: '`[TemplateKeyNotFound] spec.target.template.data.url: The template reads "pasword", but this ExternalSecret produces only "username", "password"; ESO renders with missingkey=error …` Fix: Did you mean "password"?',
    fix: 'Use a key the ExternalSecret produces (the message lists them and suggests the closest), or add the `data` entry that produces it.',
    producedBy: { examples: { 'eso-semantics': ['apps/db-url-typo'] } },
  },
  TemplateSourceNotFound: {
    severity: 'error',
    summary: 'A target.template.templateFrom ConfigMap (a PushSecret\'s spec.template.templateFrom), or an item key in its data, does not exist in the object\'s namespace.',
    example: '`[TemplateSourceNotFound] spec.target.template.templateFrom[0].configMap.name: Expected ConfigMap apps/db-tpl to exist (ESO reads templateFrom ConfigMaps from the ExternalSecret\'s namespace), found none; ESO fails with "could not apply template: error fetching templateFrom data: configmaps \\"db-tpl\\" not found".` Also an item key missing from the ConfigMap\'s `data` (`error in configmap db-tpl: missing key config`). The webhook reads only the named ConfigMap in the ExternalSecret\'s namespace (`kube.templateConfigMaps`); `check` reads ConfigMaps among its files. Secrets holding templates are never read (NotVerifiable).',
    fix: 'Create the ConfigMap (with the item keys in `data`, not `binaryData`) in the ExternalSecret\'s namespace, or fix the name or item key.',
    producedBy: { test: 'test/eso-coverage/templates.test.ts', note: 'needs a templateFrom ConfigMap read from the cluster; the examples\' webhook reads none' },
  },
  SecretNotManaged: {
    severity: 'error',
    summary: 'A PushSecret would overwrite an existing Vault secret without ESO\'s managed-by marker; ESO refuses ("secret not managed by external-secrets"). Shown only when the store may read the metadata.',
    example: '`[SecretNotManaged] spec.data[0].match.remoteRef.remoteKey: kv/data/pushed/api-token exists without ESO\'s marker (custom_metadata managed-by=external-secrets); ESO refuses to overwrite it with "secret not managed by external-secrets".` Shown only when the store\'s role may read the metadata.',
    fix: 'Push to a path no other writer owns, or delete the existing secret (or add `managed-by: external-secrets` to its custom metadata) once you are sure ESO may own it.',
    producedBy: { examples: { 'eso-semantics': ['apps/push-api-token'] } },
  },
  CheckAndSetRefused: {
    severity: 'error',
    summary: 'Vault would refuse a PushSecret\'s KV v2 write on check-and-set grounds (`cas_required` and no `checkAndSet` on the store, `cas` 0 over a deleted current version, OpenBao `metadata_cas_required`). A warning over an existing managed secret, which ESO rewrites only when the value changes.',
    example: '`[CheckAndSetRefused] spec.data[0].match.remoteRef.remoteKey: kv/metadata/pushed/locked has cas_required, and the store does not set spec.provider.vault.checkAndSet.required, so ESO writes kv/data/pushed/locked without "cas"; Vault refuses the write with "check-and-set parameter required for this call" and ESO fails the PushSecret with "set secret failed: could not write remote ref token to target secretstore vault-push: Error making API request. … * check-and-set parameter required for this call".`',
    fix: 'Set `spec.provider.vault.checkAndSet.required: true` on the store for secrets with `cas_required`; undelete a deleted current version (or delete the secret\'s metadata) before pushing with check-and-set; or push to another `remoteKey`.',
    producedBy: { test: 'test/eso-coverage/push-cas.test.ts', note: 'needs per-secret cas_required metadata, which the examples\' Vault states do not set' },
  },
  ExistingObjectNotOwned: {
    severity: 'error',
    severityNote: ' (warning when the object is known only from the files `check` reads)',
    summary: 'The PushSecret a ClusterPushSecret (the ExternalSecret a ClusterExternalSecret) would create in a selected namespace already exists there under another controller; ESO skips that namespace ("push secret already exists in namespace", "external secret already exists in namespace").',
    example: '`[ExistingObjectNotOwned] metadata.name: In namespace "apps" (PushSecret "push-token"): PushSecret "push-token" already exists in the cluster (controlled by no object), so ESO leaves it alone there, lists the namespace in status.failedNamespaces with "push secret already exists in namespace" and marks the ClusterPushSecret "one or more namespaces failed".`',
    fix: 'Set another `spec.pushSecretName` (`spec.externalSecretName`) on the cluster-scoped object, or delete or rename the existing PushSecret (ExternalSecret).',
    producedBy: { test: 'test/eso-coverage/cluster-push-secret-existing.test.ts', note: 'needs a PushSecret read from the cluster; the examples\' webhook reads none' },
  },
} as const satisfies Record<string, FindingCodeSpec>;

export type FindingCode = keyof typeof FINDING_REGISTRY;

/** Every code, in the registry's order (docs order, SARIF rule index). */
export const FINDING_CODES = Object.keys(FINDING_REGISTRY) as FindingCode[];

export function isFindingCode(code: string): code is FindingCode {
  return Object.hasOwn(FINDING_REGISTRY, code);
}

/** The registry entry of a code, with the defaults filled in. */
export function findingSpec(code: FindingCode): Required<Omit<FindingCodeSpec, 'severityNote'>> & Pick<FindingCodeSpec, 'severityNote'> {
  const spec: FindingCodeSpec = FINDING_REGISTRY[code];
  return { shownTo: 'author', aboutManifest: true, ...spec };
}

/** Shown to the object's author (false: counted and logged only). */
export function shownToAuthor(code: FindingCode): boolean {
  return findingSpec(code).shownTo === 'author';
}

/** Says something about the manifest (false: only that Vault could not be asked). */
export function aboutManifest(code: FindingCode): boolean {
  return findingSpec(code).aboutManifest;
}

/** The severity as the docs state it: the usual one, its exceptions, and "not shown" for operator-only codes. */
export function severityText(code: FindingCode): string {
  const spec = findingSpec(code);
  return `${spec.severity}${spec.shownTo === 'operator' ? ', not shown' : ''}${spec.severityNote ?? ''}`;
}
