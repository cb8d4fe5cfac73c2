// Parsed ESO models of the audited objects, kept per (uid, resourceVersion): an object that did not
// change since the last pass is not parsed again. Entries of objects not seen in a pass are dropped.
import { parseEsoObject, type ParsedEsoObject } from '../eso/index.js';
import type { RawKubeObject } from '../kube/types.js';

export class ParseCache {
  private entries = new Map<string, ParsedEsoObject>();
  private seen = new Map<string, ParsedEsoObject>();

  parse(raw: RawKubeObject): ParsedEsoObject {
    const uid = raw.metadata?.uid;
    const rv = raw.metadata?.resourceVersion;
    // Without both there is no identity to cache under (never the case for API objects).
    if (!uid || !rv) return parseEsoObject(raw);
    const key = `${uid}@${rv}`;
    const parsed = this.entries.get(key) ?? this.seen.get(key) ?? parseEsoObject(raw);
    this.seen.set(key, parsed);
    return parsed;
  }

  /** Ends a pass: keeps only the versions this pass parsed. */
  endPass(): void {
    this.entries = this.seen;
    this.seen = new Map();
  }

  get size(): number {
    return this.entries.size;
  }
}
