// Loads the configuration: YAML file ← environment ← command-line overrides, then validates the
// result once against the whole schema, filling in the defaults, so a bad value in any section
// stops the start with a message naming the field.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { formatAjvErrors } from './ajv-errors.js';
import { CONFIG_FILE_ENV, ENV_OPTIONS, type ConfigOption } from './options.js';
import { configValidator } from './schema.js';
import type { GuardConfig, GuardConfigInput } from './types.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.map((p) => `config: ${p}`).join('\n'));
  }
}

export interface LoadConfigOptions {
  /** YAML file; when absent, ESO_GUARD_CONFIG names it (if set). */
  file?: string;
  env?: Record<string, string | undefined>;
  /** Values from command-line flags; they win over file and environment. */
  overrides?: GuardConfigInput;
}

type Tree = Record<string, unknown>;

function isPlainObject(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Arrays and scalars replace; objects merge key by key. Undefined never overwrites. */
function mergeInto(target: Tree, source: Tree, origin: string, origins: Map<string, string>, prefix = ''): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) {
      // Recursing (not copying the object whole) records an origin per option, not per section.
      if (!isPlainObject(target[key])) target[key] = {};
      mergeInto(target[key] as Tree, value, origin, origins, name);
    } else {
      // Copied: validation fills defaults into list items and must not touch the caller's objects.
      target[key] = Array.isArray(value) ? structuredClone(value) : value;
      origins.set(name, origin);
    }
  }
}

function setDotted(tree: Tree, name: string, value: unknown): void {
  const parts = name.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Text that does not convert is kept as text, so validation reports it with the option's name. */
function fromEnvText(option: ConfigOption, text: string): unknown {
  switch (option.envType) {
    case 'integer':
      return /^\s*-?\d+\s*$/.test(text) ? Number(text) : text;
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    default:
      return text;
  }
}

function readFileTree(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read config file ${file}: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) throw new ConfigError([`config file ${file} must hold a YAML mapping at the top level`]);
  return parsed;
}

function envTree(env: Record<string, string | undefined>): Tree {
  const tree: Tree = {};
  for (const option of ENV_OPTIONS) {
    const text = env[option.env];
    if (text === undefined || text === '') continue;
    setDotted(tree, option.name, fromEnvText(option, text));
  }
  return tree;
}

/** `tls.extraDnsNames.2` → the origin recorded for `tls.extraDnsNames`. */
function originOf(problem: string, origins: Map<string, string>): string | undefined {
  const field = problem.split(' ')[0] ?? '';
  const dotted = field.replace(/\[\d+\]/g, '');
  for (let name = dotted; name !== ''; name = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '') {
    const origin = origins.get(name);
    if (origin) return origin;
  }
  return undefined;
}

export function loadConfig(options: LoadConfigOptions = {}): GuardConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? (env[CONFIG_FILE_ENV] || undefined);
  const origins = new Map<string, string>();
  const tree: Tree = {};
  if (file !== undefined) mergeInto(tree, readFileTree(file), `config file ${file}`, origins);
  const fromEnv = envTree(env);
  mergeInto(tree, fromEnv, 'environment', origins);
  for (const option of ENV_OPTIONS) {
    if (env[option.env]) origins.set(option.name, option.env);
  }
  if (options.overrides) mergeInto(tree, options.overrides as Tree, 'command line', origins);

  // Validation fills in every default, so the tree is then a whole GuardConfig.
  const validate = configValidator();
  if (!validate(tree)) {
    const problems = formatAjvErrors(validate.errors).map((p) => {
      const origin = originOf(p, origins);
      return origin ? `${p}; set by ${origin}` : p;
    });
    throw new ConfigError(problems);
  }
  return tree as unknown as GuardConfig;
}

/**
 * One section validated alone with the same schema (defaults filled in), for callers that build a
 * section in code rather than read a file: `validateSection('vault', {...})`.
 */
export function validateSection<S extends keyof GuardConfig>(section: S, value: unknown): GuardConfig[S] {
  const tree: Tree = { [section]: structuredClone(value) };
  const validate = configValidator();
  if (!validate(tree)) throw new ConfigError(formatAjvErrors(validate.errors));
  return tree[section] as GuardConfig[S];
}
