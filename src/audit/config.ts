// The `audit` section of the configuration file: declared (schema, defaults, docs) in
// src/config/sections/audit.ts; validated with the whole file at start.
import { configDefaults, type AuditSectionConfig } from '../config/index.js';

export type { AuditSectionConfig };

export const AUDIT_CONFIG_DEFAULTS: AuditSectionConfig = configDefaults()['audit'] as AuditSectionConfig;
