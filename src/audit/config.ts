// The `audit` section of the configuration file. The section is open in the global schema; this
// module owns its validation (ajv) and its defaults.

export interface AuditSectionConfig {
  /** Run the background audit (only the replica holding the audit Lease does). */
  enabled: boolean;
  /** Pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Objects (ExternalSecrets and stores) checked per second; bounds the audit's load on Vault. */
  objectsPerSecond: number;
  /** Time allowed for the Vault lookups of one object before it counts as could-not-check. */
  deadlineMsPerObject: number;
}

export const AUDIT_CONFIG_DEFAULTS: AuditSectionConfig = {
  enabled: true,
  intervalMs: 300_000,
  objectsPerSecond: 5,
  deadlineMsPerObject: 10_000,
};

/** ajv JSON schema of the section (all fields optional; defaults above). */
export const auditConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    intervalMs: { type: 'integer', minimum: 1000 },
    objectsPerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    deadlineMsPerObject: { type: 'integer', minimum: 100 },
  },
} as const;

export function withAuditDefaults(section: Record<string, unknown> | undefined): AuditSectionConfig {
  return { ...AUDIT_CONFIG_DEFAULTS, ...(section ?? {}) } as AuditSectionConfig;
}
