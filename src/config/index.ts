export type { GuardConfig, GuardConfigInput, FailureMode, AdmissionMode, LogLevel, ServerConfig, TlsConfig, AdmissionConfig, LogConfig } from './types.js';
export { loadConfig, ConfigError, type LoadConfigOptions } from './load.js';
export { CONFIG_OPTIONS, CONFIG_FILE_ENV, OPEN_SECTIONS, configOptionsTable, configOptionsMarkdown, type ConfigOption } from './options.js';
export { buildConfigSchema } from './schema.js';
export { formatAjvError, formatAjvErrors, fieldPath } from './ajv-errors.js';
