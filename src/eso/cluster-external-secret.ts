// ClusterExternalSecret (external-secrets.io/v1) as ESO's controller reads it
// (pkg/controllers/clusterexternalsecret, runtime/esutils GetTargetNamespaces): the ExternalSecret
// it creates from spec.externalSecretSpec in every existing namespace that `namespaces` (each as the
// selector kubernetes.io/metadata.name=<n>), `namespaceSelector` or `namespaceSelectors` select.
import { NAMESPACE_NAME_LABEL } from './conditions.js';
import { labelSelectorError, labelSelectorFrom, labelSelectorMatchesValid, type LabelSelectorModel } from './label-selector.js';

type Obj = Record<string, unknown>;

export interface NamespaceSelection {
  /** Namespaces selected among the known ones, sorted; undefined when the namespaces are unknown. */
  selected?: string[];
  /** The first selector LabelSelectorAsSelector rejects: ESO creates nothing. */
  invalid?: { field: string; error: string };
  /** Names from `namespaces`, for when existing namespaces are unknown. */
  named: string[];
}

export interface ClusterExternalSecretModel {
  name: string;
  /** spec.externalSecretName, else the ClusterExternalSecret's name. */
  esName: string;
  esSpec: Obj;
  esMetadata: { labels?: Obj; annotations?: Obj };
  selectors: { field: string; selector: LabelSelectorModel }[];
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseClusterExternalSecret(obj: Obj): ClusterExternalSecretModel {
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const spec = isObj(obj['spec']) ? obj['spec'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const esName = typeof spec['externalSecretName'] === 'string' && spec['externalSecretName'] !== '' ? spec['externalSecretName'] : name;
  const selectors: ClusterExternalSecretModel['selectors'] = [];
  // GetTargetNamespaces order: namespaces first, then namespaceSelector, then namespaceSelectors.
  (Array.isArray(spec['namespaces']) ? (spec['namespaces'] as unknown[]) : []).forEach((n, i) => {
    selectors.push({ field: `spec.namespaces[${i}]`, selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: String(n) } } });
  });
  if (isObj(spec['namespaceSelector'])) selectors.push({ field: 'spec.namespaceSelector', selector: labelSelectorFrom(spec['namespaceSelector']) });
  (Array.isArray(spec['namespaceSelectors']) ? (spec['namespaceSelectors'] as unknown[]) : []).forEach((s, i) => {
    if (isObj(s)) selectors.push({ field: `spec.namespaceSelectors[${i}]`, selector: labelSelectorFrom(s) });
  });
  const esMeta = isObj(spec['externalSecretMetadata']) ? spec['externalSecretMetadata'] : {};
  return {
    name,
    esName,
    esSpec: isObj(spec['externalSecretSpec']) ? spec['externalSecretSpec'] : {},
    esMetadata: {
      ...(isObj(esMeta['labels']) ? { labels: esMeta['labels'] } : {}),
      ...(isObj(esMeta['annotations']) ? { annotations: esMeta['annotations'] } : {}),
    },
    selectors,
  };
}

/** The namespaces ESO creates the ExternalSecret (ClusterPushSecret: the PushSecret) in, among `existing` (with their labels). */
export function selectNamespaces(
  model: Pick<ClusterExternalSecretModel, 'selectors'>,
  existing: string[] | undefined,
  labelsOf: (ns: string) => Record<string, string> | undefined,
): NamespaceSelection {
  const named = model.selectors.filter((s) => s.field.startsWith('spec.namespaces[')).map((s) => s.selector.matchLabels?.[NAMESPACE_NAME_LABEL] ?? '');
  for (const s of model.selectors) {
    const error = labelSelectorError(s.selector);
    if (error !== undefined) return { invalid: { field: s.field, error }, named };
  }
  if (existing === undefined) return { named };
  const selected = new Set<string>();
  for (const s of model.selectors) {
    // A selector with no requirements selects every namespace (labels.Everything()).
    for (const ns of existing) {
      const labels = { ...(labelsOf(ns) ?? {}), [NAMESPACE_NAME_LABEL]: ns };
      if (labelSelectorMatchesValid(s.selector, labels)) selected.add(ns);
    }
  }
  return { selected: [...selected].sort(), named };
}

/** The ExternalSecret object ESO creates in `namespace`. */
export function externalSecretFor(model: ClusterExternalSecretModel, namespace: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: model.esName, namespace, ...model.esMetadata },
    spec: structuredClone(model.esSpec),
  };
}
