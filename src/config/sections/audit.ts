// The `audit` section: the background audit of every ExternalSecret and store (docs/audit.md).

export const auditSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'The background audit (only the replica holding the audit Lease runs it).',
  properties: {
    enabled: { type: 'boolean', default: true, description: 'Run the background audit.' },
    intervalMs: { type: 'integer', minimum: 1000, default: 300000, description: 'Pause between the end of one pass and the start of the next.' },
    objectsPerSecond: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1000,
      default: 5,
      description: "Objects (ExternalSecrets and stores) checked per second; bounds the audit's load on Vault.",
    },
    deadlineMsPerObject: {
      type: 'integer',
      minimum: 100,
      default: 10000,
      description: 'Time allowed for the Vault lookups of one object before it counts as could-not-check.',
    },
  },
} as const;
