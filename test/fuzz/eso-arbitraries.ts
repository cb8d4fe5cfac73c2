// Generators of ESO objects for the fuzzers: mostly plausible field values (the names, paths and
// stores of the classic-mistakes example, so checks reach Vault), with any field now and then
// replaced by arbitrary JSON of the wrong type.
import fc from 'fast-check';

type Obj = Record<string, unknown>;

/** The plausible value usually, arbitrary JSON sometimes. */
function maybe<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
}

const oddText = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('', ' ', '..', '/', '//', '*', '{{x}}', '\u0000', 'a'.repeat(300)));
const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('db', 'app', 'payroll', 'x') }, { weight: 1, arbitrary: oddText });
const namespace = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('apps', 'payments', 'marketing') }, { weight: 1, arbitrary: oddText });
const storeName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('vault-backend', 'vault-data-path', 'vault-legacy', 'vault-payments', 'missing') }, { weight: 1, arbitrary: oddText });
const remoteKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('app/db', 'payments/stripe', '/app/db', 'secret/app/db', 'secret/data/app/db', 'app/config', 'app/', 'app', 'legacy/app/config', 'app//db', 'app/db/') },
  { weight: 1, arbitrary: oddText },
);
const property = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('password', 'passwrod', 'username', 'a.b', 'data.password', '#', 'api-key', 'api\\-key') }, { weight: 1, arbitrary: oddText });
const strategy = fc.constantFrom('Default', 'Unicode', 'Base64', 'Base64URL', 'Auto', 'None', 'bogus');

const remoteRef = fc.record(
  {
    key: maybe(remoteKey),
    property: maybe(property),
    version: maybe(fc.constantFrom('1', '2', '0', '-1', 'latest', '99')),
    metadataPolicy: maybe(fc.constantFrom('None', 'Fetch')),
    conversionStrategy: maybe(strategy),
    decodingStrategy: maybe(strategy),
  },
  { requiredKeys: ['key'] },
);

const dataEntry = fc.record(
  {
    secretKey: maybe(name),
    remoteRef: maybe(remoteRef),
    sourceRef: maybe(fc.record({ storeRef: fc.record({ name: storeName, kind: fc.constantFrom('SecretStore', 'ClusterSecretStore') }, { requiredKeys: [] }) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['secretKey', 'remoteRef'] },
);

const dataFromEntry = fc.oneof(
  fc.record({ extract: maybe(remoteRef) }),
  fc.record({
    find: maybe(fc.record({
      path: maybe(remoteKey),
      name: maybe(fc.record({ regexp: maybe(fc.oneof(fc.constantFrom('.*', '^db', '(?i)DB', '[', '(?P<x>a)', '\\p{L}+', 'a{2,}'), oddText)) })),
      tags: maybe(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 })),
      conversionStrategy: maybe(strategy),
    }, { requiredKeys: [] })),
  }),
  fc.record({ sourceRef: maybe(fc.record({ generatorRef: fc.record({ kind: fc.constant('Password'), name }) })) }),
);

const annotations = fc.dictionary(
  fc.constantFrom('eso-vault-guard.io/mode', 'eso-vault-guard.io/skip-codes', 'other'),
  fc.oneof(fc.constantFrom('enforce', 'warn', 'audit', 'PropertyNotFound,SecretNotFound', ''), oddText),
  { maxKeys: 2 },
);

const metadata = (namespaced: boolean) =>
  fc.record(
    { name: maybe(name), ...(namespaced ? { namespace: maybe(namespace) } : {}), annotations: maybe(annotations) },
    { requiredKeys: ['name'] },
  );

const apiVersion = maybe(fc.constantFrom('external-secrets.io/v1', 'external-secrets.io/v1beta1', 'external-secrets.io/v1alpha1'));

export const externalSecretArb: fc.Arbitrary<Obj> = fc.record({
  apiVersion,
  kind: fc.constant('ExternalSecret'),
  metadata: maybe(metadata(true)),
  spec: maybe(fc.record({
    secretStoreRef: maybe(fc.record({ name: maybe(storeName), kind: maybe(fc.constantFrom('SecretStore', 'ClusterSecretStore', 'Other')) }, { requiredKeys: [] })),
    target: maybe(fc.record({
      name: maybe(name),
      creationPolicy: maybe(fc.constantFrom('Owner', 'Orphan', 'Merge', 'None')),
      deletionPolicy: maybe(fc.constantFrom('Retain', 'Delete', 'Merge')),
      template: maybe(fc.record({ data: fc.dictionary(fc.string({ maxLength: 4 }), fc.constantFrom('{{ .password }}', '{{ .missing | upper }}', '{{', 'plain'), { maxKeys: 2 }) }, { requiredKeys: [] })),
    }, { requiredKeys: [] })),
    refreshInterval: maybe(fc.constantFrom('1h', '0', '15s', 'never')),
    data: maybe(fc.array(dataEntry, { maxLength: 4 })),
    dataFrom: maybe(fc.array(dataFromEntry, { maxLength: 3 })),
  }, { requiredKeys: [] })),
});

const auth = fc.oneof(
  fc.record({ kubernetes: maybe(fc.record({ mountPath: maybe(fc.constantFrom('kubernetes', 'k8s', '/kubernetes/')), role: maybe(fc.constantFrom('external-secrets', 'eso-payments', 'none')), serviceAccountRef: maybe(fc.record({ name: maybe(name), namespace: maybe(namespace), audiences: maybe(fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })) }, { requiredKeys: [] })) }, { requiredKeys: [] })) }),
  fc.record({ tokenSecretRef: maybe(fc.record({ name: maybe(name), key: maybe(name) }, { requiredKeys: [] })) }),
  fc.record({ jwt: maybe(fc.record({ path: maybe(fc.constantFrom('jwt', 'oidc')), role: maybe(name), kubernetesServiceAccountToken: maybe(fc.record({ serviceAccountRef: fc.record({ name }) })) }, { requiredKeys: [] })) }),
  fc.record({ appRole: maybe(fc.record({ path: maybe(fc.constantFrom('approle')), roleId: maybe(name), secretRef: maybe(fc.record({ name, key: name })) }, { requiredKeys: [] })) }),
  fc.jsonValue({ maxDepth: 2 }),
);

const storeSpec = fc.record({
  provider: maybe(fc.record({
    vault: maybe(fc.record({
      server: maybe(fc.constantFrom('https://vault.example.internal:8200', 'https://vault.example.internal:8200/', 'http://other:8200', 'vault', '')),
      path: maybe(fc.constantFrom('secret', 'secret/data', 'legacy', 'secret/', '/secret', 'missing')),
      version: maybe(fc.constantFrom('v1', 'v2', 'v3')),
      namespace: maybe(fc.constantFrom('ns1', '', 'root')),
      auth: maybe(auth),
    }, { requiredKeys: [] })),
  }, { requiredKeys: [] })),
  conditions: maybe(fc.array(fc.record({
    namespaces: maybe(fc.array(namespace, { maxLength: 2 })),
    namespaceRegexes: maybe(fc.array(fc.constantFrom('^app', '[', '.*'), { maxLength: 2 })),
    namespaceSelector: maybe(fc.record({ matchLabels: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }) })),
  }, { requiredKeys: [] }), { maxLength: 2 })),
}, { requiredKeys: [] });

export const storeArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ apiVersion, kind: fc.constant('SecretStore'), metadata: maybe(metadata(true)), spec: maybe(storeSpec) }),
  fc.record({ apiVersion, kind: fc.constant('ClusterSecretStore'), metadata: maybe(metadata(false)), spec: maybe(storeSpec) }),
);

export const esoObjectArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: externalSecretArb },
  { weight: 3, arbitrary: storeArb },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
