// Public types of the ACL engine. The ACL module owns this file; other modules import it read-only.

export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny' | 'subscribe' | 'recover';
export type Operation = 'read' | 'list' | 'create' | 'update' | 'delete' | 'patch' | 'sudo' | 'recover';

/** Identity used to resolve templated policies, in the vectors' format. */
export interface AclIdentity {
  entity?: {
    id?: string;
    name?: string;
    metadata?: Record<string, string>;
    aliases?: { mount_accessor: string; mount_type?: string; id?: string; name: string; metadata?: Record<string, string>; custom_metadata?: Record<string, string> }[];
  };
  groups?: { id?: string; name?: string; metadata?: Record<string, string> }[];
}

export interface PolicySource {
  name: string;
  /** Policy text exactly as `sys/policies/acl/<name>` returns it (HCL or JSON). */
  text: string;
}

export interface DecidingRule {
  policy: string;
  /** The path pattern of the rule that decided (`kv/dev/data/*`). */
  rule: string;
  capabilities: Capability[];
  /** The path key as written when it was templated (`secret/{{identity.entity.name}}/*`). */
  template?: string;
}

export interface AclEvaluation {
  path: string;
  /** Capabilities granted on the path (Vault's `sys/capabilities` answer: sorted; `["deny"]` when none; `["root"]` for root). */
  capabilities: string[];
  /** Policies/rules that contributed to the decision (empty when no rule matched). */
  decidedBy: DecidingRule[];
  /** Template placeholders that could not be resolved from the identity; paths holding them were dropped as Vault drops them. */
  unresolvedTemplates: { policy: string; template: string }[];
  /**
   * Whether each operation would be allowed for an unwrapped request without parameters (AllowOperation).
   * `list` is judged as the HTTP LIST request reaches the ACL: with a trailing `/` appended.
   */
  operations?: Record<Operation, boolean>;
  /** `RootPrivs` of the rule that matched a non-LIST request: the rule grants `sudo`. */
  rootPrivs?: boolean;
  /** Whose ACL rules decided (`vault` or `openbao`: they differ in the LIST lookup order). */
  rules?: 'vault' | 'openbao';
  /** The token is a root token (the `root` policy). */
  isRoot?: boolean;
}
