// Custom metadata values are not kept, but dataFrom.find.tags compares them (ESO reads the data of
// every candidate whose custom metadata holds the tags). A keyed digest, with a key made at process
// start and never written anywhere, lets the checks compare a tag with a value without keeping it.
import { createHmac, randomBytes } from 'node:crypto';

const KEY = randomBytes(32);

export function metadataValueDigest(value: string): string {
  return createHmac('sha256', KEY).update(value, 'utf8').digest('base64url');
}
