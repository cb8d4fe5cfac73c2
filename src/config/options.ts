// Every option of the configuration file as a flat list, read off the one schema (schema.ts): its
// dotted name, environment variable, default and description. The loader's environment mapping and
// docs/configuration.md's tables are built from this list, so neither can drift from the schema.
import { configSchema } from './schema.js';

export type EnvValueType = 'string' | 'integer' | 'list';

export interface ConfigOption {
  /** Dotted name in the YAML file, e.g. `admission.failureMode`; `[]` marks the items of a list (`vault.servers[].url`). */
  name: string;
  /** Environment variable that sets it, if any. */
  env?: string;
  /** Undefined means "not set" (the option is optional, unless `required`). */
  default: unknown;
  /** The file must set it (within its list item: vault.servers[].url). */
  required: boolean;
  description: string;
  /** How the environment variable's text is converted; `list` is comma-separated. */
  envType: EnvValueType;
  /** The option's own JSON schema (a node of configSchema). */
  schema: Record<string, unknown>;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: readonly string[];
  default?: unknown;
  env?: string;
  description?: string;
}

function envTypeOf(node: SchemaNode): EnvValueType {
  return node.type === 'integer' ? 'integer' : node.type === 'array' ? 'list' : 'string';
}

function collect(node: SchemaNode, name: string, out: ConfigOption[], required = false): void {
  if (node.type === 'object' && node.properties) {
    for (const [key, child] of Object.entries(node.properties)) collect(child, name ? `${name}.${key}` : key, out, node.required?.includes(key));
    return;
  }
  out.push({
    name,
    ...(node.env !== undefined ? { env: node.env } : {}),
    default: node.default,
    required,
    description: node.description ?? '',
    envType: envTypeOf(node),
    schema: node as Record<string, unknown>,
  });
  // A list of objects (vault.servers): its items' fields are options too.
  if (node.type === 'array' && node.items?.type === 'object') collect({ ...node.items, type: 'object' }, `${name}[]`, out);
}

function optionsOf(schema: SchemaNode): ConfigOption[] {
  const out: ConfigOption[] = [];
  collect(schema, '', out);
  return out;
}

export const CONFIG_OPTIONS: readonly ConfigOption[] = optionsOf(configSchema as unknown as SchemaNode);

/** The options an environment variable can set. */
export const ENV_OPTIONS: readonly (ConfigOption & { env: string })[] = CONFIG_OPTIONS.filter((o): o is ConfigOption & { env: string } => o.env !== undefined);

/** Environment variable naming the YAML configuration file. */
export const CONFIG_FILE_ENV = 'ESO_GUARD_CONFIG';

/** The top-level sections in the schema's order, with their descriptions. */
export function configSections(): { name: string; description: string }[] {
  return Object.entries(configSchema.properties).map(([name, node]) => ({ name, description: node.description }));
}

/** The default every option gets when nothing sets it (the schema's defaults, nested). */
export function configDefaults(): Record<string, unknown> {
  const fill = (node: SchemaNode): unknown => {
    if (node.type !== 'object' || !node.properties) return structuredClone(node.default);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.properties)) {
      const value = fill(child);
      if (value !== undefined) out[key] = value;
    }
    return node.default === undefined && Object.keys(out).length === 0 ? undefined : out;
  };
  return fill(configSchema as unknown as SchemaNode) as Record<string, unknown>;
}

function defaultText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Rows for docs/configuration.md: one per option, the default shown as YAML-ish text. */
export function configOptionsTable(): { name: string; env: string; default: string; description: string }[] {
  return CONFIG_OPTIONS.map((o) => ({ name: o.name, env: o.env ?? '', default: o.required ? 'required' : defaultText(o.default), description: o.description }));
}

/** One table per section, for docs/configuration.md (npm run docs). */
export function configOptionsMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const code = (text: string) => (text === '' ? '' : `\`${escape(text)}\``);
  const shown = (row: { default: string; name: string }) => (CONFIG_OPTIONS.find((o) => o.name === row.name)?.required ? '*required*' : code(row.default));
  const rows = configOptionsTable();
  const blocks = configSections().map(({ name, description }) => {
    const own = rows.filter((row) => row.name.startsWith(`${name}.`));
    const withEnv = own.some((row) => row.env !== '');
    const header = withEnv
      ? ['| Option | Environment variable | Default | Description |', '| --- | --- | --- | --- |']
      : ['| Option | Default | Description |', '| --- | --- | --- |'];
    const lines = own.map((row) =>
      withEnv
        ? `| \`${row.name}\` | ${code(row.env)} | ${shown(row)} | ${escape(row.description)} |`
        : `| \`${row.name}\` | ${shown(row)} | ${escape(row.description)} |`,
    );
    return [`### \`${name}\``, '', description, '', ...header, ...lines].join('\n');
  });
  return blocks.join('\n\n');
}
