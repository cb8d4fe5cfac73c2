// The `kube` section of the configuration file: declared (schema, defaults, docs) in
// src/config/sections/kube.ts; validated with the whole file at start.
import { configDefaults, type KubeSectionConfig } from '../config/index.js';

export type { KubeSectionConfig };

export const KUBE_CONFIG_DEFAULTS: KubeSectionConfig = configDefaults()['kube'] as KubeSectionConfig;
