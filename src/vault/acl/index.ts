// Public entry of the ACL engine: Vault-exact policy parsing, ACL building and evaluation.
export type { AclEvaluation, AclIdentity, Capability, DecidingRule, Operation, PolicySource } from './types.js';
export { PolicyParseError, parsePolicy, type ParsedPolicy, type ParsedPathRule, type ParameterMap, type ParameterValue } from './policy-parse.js';
export { compileAcl, aclInChildNamespace, parsePolicyCached, type CompiledAcl, type CompileOptions, type AclFlavour, type MergedPermissions } from './compile.js';
export { matchRule, exactRulePermissions, checkNonExactBareMount } from './match.js';
export {
  evaluateAcl,
  isOperationAllowed,
  allowOperation,
  grantsCapability,
  capabilitiesOf,
  hasMountAccess,
  DATA_OPERATIONS,
  type AclOperationResult,
  type AclOperationName,
} from './evaluate.js';
export { populateTemplate, templateValidityCheck, type TemplateOptions } from './templating.js';
export { suggestStanza } from './suggest.js';
export { allowedSomewhereUnder } from './somewhere-under.js';
export { BUILTIN_DEFAULT_POLICY } from './default-policy.js';
export { policiesFromRole } from './role-policies.js';
export { kubernetesLoginIdentity, jwtLoginIdentity } from './login-identity.js';
export { bitmapToNames, CAPABILITIES_ORDER, BIT_ORDER, CAP_BITS } from './capabilities.js';
