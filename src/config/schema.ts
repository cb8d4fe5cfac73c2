// The one JSON schema of the configuration file. Every option's type, default, environment variable
// (`env`) and description is declared in it (sections/); the TypeScript types (types.ts), the
// environment mapping and docs/configuration.md (options.ts) are derived from it, and one ajv
// instance validates the whole file at start, filling in the defaults.
import { Ajv, type ErrorObject } from 'ajv';
import { auditSection } from './sections/audit.js';
import { kubeSection } from './sections/kube.js';
import { vaultSection } from './sections/vault.js';
import { admissionSection, checksSection, logSection, reportSection, serverSection, tlsSection } from './sections/webhook.js';

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: serverSection,
    tls: tlsSection,
    admission: admissionSection,
    checks: checksSection,
    report: reportSection,
    log: logSection,
    vault: vaultSection,
    kube: kubeSection,
    audit: auditSection,
  },
} as const;

/** The schema as plain JSON (docs, tests, editors). */
export function buildConfigSchema(): Record<string, unknown> {
  return structuredClone(configSchema) as unknown as Record<string, unknown>;
}

export interface ConfigValidation {
  /** Validates `tree` in place, filling in defaults; the problems as ajv reports them. */
  (tree: unknown): boolean;
  errors?: ErrorObject[] | null;
}

let compiled: ConfigValidation | undefined;

export function configValidator(): ConfigValidation {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, useDefaults: true, discriminator: true });
    // The environment variable of an option: metadata for the loader and the docs, not a constraint.
    ajv.addKeyword({ keyword: 'env', schemaType: 'string' });
    compiled = ajv.compile(configSchema);
  }
  return compiled;
}
