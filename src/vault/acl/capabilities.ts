// Capability bits in vault/acl.go order, and the orders Vault prints them in.
export const CAP_BITS = {
  deny: 1 << 0,
  create: 1 << 1,
  read: 1 << 2,
  update: 1 << 3,
  delete: 1 << 4,
  list: 1 << 5,
  sudo: 1 << 6,
  patch: 1 << 7,
  subscribe: 1 << 8,
  recover: 1 << 9,
} as const;

export type CapabilityName = keyof typeof CAP_BITS;

/** Bit order (how policy-parse vectors list a bitmap). */
export const BIT_ORDER: CapabilityName[] = ['deny', 'create', 'read', 'update', 'delete', 'list', 'sudo', 'patch', 'subscribe', 'recover'];
/** ACL.Capabilities() order. */
export const CAPABILITIES_ORDER: CapabilityName[] = ['sudo', 'read', 'list', 'update', 'delete', 'create', 'patch', 'subscribe', 'recover'];

export function capabilityBit(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(CAP_BITS, name) ? CAP_BITS[name as CapabilityName] : undefined;
}

export function bitmapToNames(bitmap: number, order: CapabilityName[] = BIT_ORDER): CapabilityName[] {
  return order.filter((c) => (bitmap & CAP_BITS[c]) !== 0);
}
