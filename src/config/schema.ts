// JSON schema of the whole configuration, built from CONFIG_OPTIONS and compiled once.
import { Ajv, type ValidateFunction } from 'ajv';
import { CONFIG_OPTIONS, OPEN_SECTIONS } from './options.js';

interface ObjectSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  additionalProperties: boolean;
  dependencies?: Record<string, string[]>;
}

export function buildConfigSchema(): ObjectSchema {
  const root: ObjectSchema = { type: 'object', properties: {}, additionalProperties: false };
  for (const option of CONFIG_OPTIONS) {
    const [section, key] = option.name.split('.') as [string, string];
    const sectionSchema = (root.properties[section] ??= {
      type: 'object',
      properties: {},
      additionalProperties: false,
    }) as unknown as ObjectSchema;
    sectionSchema.properties[key] = option.schema;
  }
  // A certificate without its key (or the reverse) cannot serve; say so at start.
  (root.properties.tls as unknown as ObjectSchema).dependencies = { certFile: ['keyFile'], keyFile: ['certFile'] };
  for (const section of OPEN_SECTIONS) root.properties[section] = { type: 'object', additionalProperties: true };
  return root;
}

let compiled: ValidateFunction | undefined;

export function configValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(buildConfigSchema());
  return compiled;
}
