# app-secrets, narrowed: every app namespace still reads its own subtree of the apps mount, but the
# stanza on the metadata (read and list) is gone.
path "apps/data/{{identity.entity.aliases.auth_kubernetes_3f9a2c17.metadata.service_account_namespace}}/*" {
  capabilities = ["read"]
}
