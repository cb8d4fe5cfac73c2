// Public entry of the ESO-semantics module (pure: no I/O).
export * from './model.js';
export { toValueShape, type ValueShape } from './value-shape.js';
export { parseEsoObject, type ParsedEsoObject, type ParseOptions } from './parse.js';
export { planExternalSecret, planFind, planRemoteRef, resolveStore, type StoreLookup } from './plan.js';
export { planIdentity, serviceAccountTokenClaims, TOKEN_EXPIRATION_SECONDS, JWT_DEFAULT_EXTRA_AUDIENCES, type ServiceAccountTokenClaims } from './identity.js';
export { storeAdmitsNamespace, labelSelectorMatches, goRegexMatches, NAMESPACE_NAME_LABEL, type NamespaceAdmission } from './conditions.js';
export { buildDataPath, buildMetadataPath, toHttpPath, MetadataPathError, INVALID_KV2_PATH, type KvVersion } from './paths.js';
export { resolvePropertyOnShape, resolveExtractOnShape, listKeyPaths, rankCandidates, editDistance, type PropertyResolution, type ExtractResolution } from './property.js';
export { parseGjsonPath } from './gjson-path.js';
export { detectClassicMistakes, type ClassicMistake } from './mistakes.js';
export { AUTH_ORDER } from './parse-vault.js';
export { createOfflineLookup } from './offline-lookup.js';
export { convertKey, convertAndValidateKeys, extractKeysOnShape, type KeyConversionResult } from './extract-keys.js';
export { loginNamespace, secretNamespace, policyPathPrefix } from './vault-namespaces.js';
export { deriveSecretKeys, goReplaceAll, type KeyPipelineResult } from './key-pipeline.js';
