// Short, stable phrases naming stores, roles and paths inside finding messages.
import type { StoreKind } from '../../eso/model.js';

export interface StoreLabel {
  kind: StoreKind;
  name: string;
  namespace?: string;
}

export function describeStore(store: StoreLabel): string {
  return store.kind === 'SecretStore' && store.namespace
    ? `SecretStore "${store.namespace}/${store.name}"`
    : `${store.kind} "${store.name}"`;
}

/** `"a", "b"` for a list of names, `(none)` when empty. */
export function quoteList(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.map((v) => `"${v}"`).join(', ');
}

/** Collapse an HCL stanza to one line so each finding stays one line in kubectl's output. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
