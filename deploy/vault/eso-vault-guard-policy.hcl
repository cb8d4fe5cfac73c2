# Vault policy for eso-vault-guard's own identity (bind it to the webhook's login role).
# Read-only: the webhook looks at mounts, auth roles, policies and KV metadata; it writes nothing.
# `+` matches one path segment, so the KV stanzas cover mounts one to three segments deep
# (`secret/`, `kv/dev/`, `team/a/kv/`); narrow them to your own mounts where you can.

# Token upkeep: look up the TTL and renew before expiry (also in Vault's `default` policy,
# repeated here for roles with token_no_default_policy).
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}

# Mount of a secret path (the CLI's KV preflight). Vault answers this route itself, only for mounts
# the token can reach through the KV stanzas below; the stanza keeps the dependency visible.
path "sys/internal/ui/mounts/*" {
  capabilities = ["read"]
}

# Mount table: the fallback when the preflight is denied, and the KV version of each mount.
path "sys/mounts" {
  capabilities = ["read"]
}

# Auth mounts: does the store's mountPath exist, of which type, with which accessor (templated policies).
path "sys/auth" {
  capabilities = ["read"]
}

# Auth roles a store logs in with (bound ServiceAccounts, audiences, claims, token_policies).
path "auth/+/role/*" {
  capabilities = ["read"]
}

# Auth method config (jwt bound_issuer, kubernetes issuer settings); Vault never returns credentials here.
path "auth/+/config" {
  capabilities = ["read"]
}

# Policy texts, to evaluate whether a store's role may read what an ExternalSecret asks for.
path "sys/policies/acl/*" {
  capabilities = ["read"]
}
path "sys/policies/acl" {
  capabilities = ["list"]
}

# KV v2 metadata: existence, versions, deletion state, dataFrom.find listings. No secret values.
path "+/metadata/*" {
  capabilities = ["read", "list"]
}
path "+/+/metadata/*" {
  capabilities = ["read", "list"]
}
path "+/+/+/metadata/*" {
  capabilities = ["read", "list"]
}

# KV v2 data: read only to learn the *shape* (key names) for property checks; values are dropped
# at once and never stored or logged. Remove these three stanzas when running with metadataOnly: true.
path "+/data/*" {
  capabilities = ["read"]
}
path "+/+/data/*" {
  capabilities = ["read"]
}
path "+/+/+/data/*" {
  capabilities = ["read"]
}

# KV v1 has no metadata API: existence and shape need `read` (and `list` for find) on the data path
# itself. Add one stanza per KV v1 mount the stores use, for example:
# path "kv1/*" {
#   capabilities = ["read", "list"]
# }
