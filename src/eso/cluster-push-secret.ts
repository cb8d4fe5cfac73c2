// ClusterPushSecret (external-secrets.io/v1alpha1) as ESO's controller reads it
// (pkg/controllers/clusterpushsecret): the PushSecret it creates from spec.pushSecretSpec, named
// spec.pushSecretName or else the ClusterPushSecret's name, in every existing namespace one of
// spec.namespaceSelectors selects (esutils.GetTargetNamespaces with no namespace list; the
// selectors are ORed, and an empty list selects nothing).
import { labelSelectorFrom, type LabelSelectorModel } from './label-selector.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ClusterPushSecretModel {
  name: string;
  /** spec.pushSecretName, else the ClusterPushSecret's name. */
  psName: string;
  psSpec: Obj;
  psMetadata: { labels?: Obj; annotations?: Obj };
  selectors: { field: string; selector: LabelSelectorModel }[];
}

export function parseClusterPushSecret(obj: Obj): ClusterPushSecretModel {
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const spec = isObj(obj['spec']) ? obj['spec'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const psName = typeof spec['pushSecretName'] === 'string' && spec['pushSecretName'] !== '' ? spec['pushSecretName'] : name;
  const selectors: ClusterPushSecretModel['selectors'] = [];
  (Array.isArray(spec['namespaceSelectors']) ? (spec['namespaceSelectors'] as unknown[]) : []).forEach((s, i) => {
    // A null entry converts to labels.Nothing(): it selects no namespace.
    if (isObj(s)) selectors.push({ field: `spec.namespaceSelectors[${i}]`, selector: labelSelectorFrom(s) });
  });
  const psMeta = isObj(spec['pushSecretMetadata']) ? spec['pushSecretMetadata'] : {};
  return {
    name,
    psName,
    psSpec: isObj(spec['pushSecretSpec']) ? spec['pushSecretSpec'] : {},
    psMetadata: {
      ...(isObj(psMeta['labels']) ? { labels: psMeta['labels'] } : {}),
      ...(isObj(psMeta['annotations']) ? { annotations: psMeta['annotations'] } : {}),
    },
    selectors,
  };
}

/** The PushSecret object ESO creates in `namespace` (createOrUpdatePushSecret). */
export function pushSecretFor(model: ClusterPushSecretModel, namespace: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'PushSecret',
    metadata: { name: model.psName, namespace, ...model.psMetadata },
    spec: structuredClone(model.psSpec),
  };
}
