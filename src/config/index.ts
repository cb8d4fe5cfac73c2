export type {
  GuardConfig, GuardConfigInput, FailureMode, AdmissionMode, LogLevel, ServerConfig, TlsConfig, AdmissionConfig, LogConfig,
  VaultSectionConfig, KubeSectionConfig, AuditSectionConfig,
} from './types.js';
export { loadConfig, validateSection, ConfigError, type LoadConfigOptions } from './load.js';
export { CONFIG_OPTIONS, ENV_OPTIONS, CONFIG_FILE_ENV, configDefaults, configOptionsTable, configOptionsMarkdown, type ConfigOption } from './options.js';
export { buildConfigSchema, configSchema } from './schema.js';
export { formatAjvError, formatAjvErrors, fieldPath } from './ajv-errors.js';
