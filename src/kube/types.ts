// Raw Kubernetes objects as the API returns them; the ESO module parses them.

export interface RawKubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ObjectList {
  items?: RawKubeObject[];
  metadata?: { resourceVersion?: string };
}

export type { StoreKind } from '../eso/model.js';
