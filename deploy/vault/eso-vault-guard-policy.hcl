# Vault policy for eso-vault-guard's own identity (bind it to the webhook's login role).
# Read-only, and no secret values: the webhook looks at mounts, auth roles, policies, KV metadata and
# KV v2 key structure (`subkeys`: key names with every value replaced by null); it writes nothing.
# `+` matches one path segment, so the KV stanzas cover mounts one to three segments deep
# (`secret/`, `kv/dev/`, `team/a/kv/`); narrow them to your own KV v2 mounts where you can (on a
# KV v1 mount, `<mount>/metadata/...` and `<mount>/subkeys/...` would be secrets of those names).

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
# `+` (one segment), not `*`: `*` would also reach AppRole's role-id and secret-id paths.
# For an auth mount deeper than one segment add e.g. path "auth/k8s/cluster-a/role/+".
path "auth/+/role/+" {
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

# KV v2 subkeys (Vault >= 1.10, OpenBao): the key tree with null leaves, for property checks.
# No secret values.
path "+/subkeys/*" {
  capabilities = ["read"]
}
path "+/+/subkeys/*" {
  capabilities = ["read"]
}
path "+/+/+/subkeys/*" {
  capabilities = ["read"]
}

# No KV v2 data, ever: the stanzas above could otherwise match a data path (`kv/data/metadata/x`
# is the secret "metadata/x" of mount `kv/`). Vault prefers the pattern with fewer `+` segments, so
# these denies win over the metadata and subkeys stanzas for every such path.
path "+/data/*" {
  capabilities = ["deny"]
}
path "+/+/data/*" {
  capabilities = ["deny"]
}
path "+/+/+/data/*" {
  capabilities = ["deny"]
}

# KV v1 has no metadata and no subkeys. Whether a KV v1 secret exists is told from its folder's
# key names (LIST, no values) when the webhook may list the mount, e.g.:
# path "kv1/*" {
#   capabilities = ["list"]
# }
# Secret values are read only on mounts the operator lists in vault.servers[].valueReadMounts
# (off by default), for what the key structure cannot tell: a property indexing into an array or a
# JSON string, and KV v1 properties. For such a mount add, e.g.:
# path "kv1/*" {
#   capabilities = ["read", "list"]
# }
# and for a KV v2 mount "secret/" (an exact mount beats the deny above: fewer wildcards):
# path "secret/data/*" {
#   capabilities = ["read"]
# }

# KV v2 engine config (cas_required; OpenBao's metadata_cas_required): whether every write must
# carry check-and-set, which ESO's PushSecret writes do only with the store's checkAndSet.required.
# Optional (without it PushSecrets are not judged on it); grant it per KV v2 mount that PushSecrets
# write to, e.g. for "kv/" (a `+/config` stanza would reach other engines' config too):
# path "kv/config" {
#   capabilities = ["read"]
# }
