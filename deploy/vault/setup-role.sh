#!/usr/bin/env sh
# Gives eso-vault-guard a read-only identity in Vault: its policy and a kubernetes auth role bound
# to the webhook's service account. Run with a Vault token allowed to write policies and auth config:
#   VAULT_ADDR=https://vault.example:8200 VAULT_TOKEN=... ./deploy/vault/setup-role.sh
# Settings (environment):
#   AUTH_MOUNT      kubernetes auth mount path            (default: kubernetes)
#   ROLE            role name, as in the ConfigMap        (default: eso-vault-guard)
#   SA_NAME/SA_NAMESPACE  the webhook's service account   (default: eso-vault-guard/eso-vault-guard)
#   AUDIENCE        audience the role requires             (default: vault; matches the projected token)
#   CONFIGURE_MOUNT set to 1 to (re)write auth/<mount>/config with KUBERNETES_HOST and KUBERNETES_CA_FILE
#   REVIEWER_JWT_FILE  token_reviewer_jwt for that config; leave unset for client-JWT mode
#                   (then apply deploy/vault/auth-delegator.yaml, and see README.md on audiences).
set -eu

AUTH_MOUNT="${AUTH_MOUNT:-kubernetes}"
ROLE="${ROLE:-eso-vault-guard}"
SA_NAME="${SA_NAME:-eso-vault-guard}"
SA_NAMESPACE="${SA_NAMESPACE:-eso-vault-guard}"
AUDIENCE="${AUDIENCE:-vault}"
HERE="$(cd "$(dirname "$0")" && pwd)"

: "${VAULT_ADDR:?set VAULT_ADDR}"

# 1. The read-only policy (mounts, auth roles, policies, KV metadata; no secret writes).
vault policy write eso-vault-guard "$HERE/eso-vault-guard-policy.hcl"

# 2. The kubernetes auth mount, if it does not exist yet.
if ! vault auth list -format=json | grep -q "\"${AUTH_MOUNT}/\""; then
  vault auth enable -path="$AUTH_MOUNT" kubernetes
fi

# 3. Optionally point the mount at the cluster's API server.
if [ "${CONFIGURE_MOUNT:-0}" = "1" ]; then
  : "${KUBERNETES_HOST:?set KUBERNETES_HOST (https://<api-server>:6443)}"
  if [ -n "${REVIEWER_JWT_FILE:-}" ]; then
    vault write "auth/${AUTH_MOUNT}/config" kubernetes_host="$KUBERNETES_HOST" \
      kubernetes_ca_cert=@"${KUBERNETES_CA_FILE:?set KUBERNETES_CA_FILE}" token_reviewer_jwt=@"$REVIEWER_JWT_FILE"
  else
    # Client-JWT mode: Vault calls TokenReview with the logging-in token itself.
    vault write "auth/${AUTH_MOUNT}/config" kubernetes_host="$KUBERNETES_HOST" \
      kubernetes_ca_cert=@"${KUBERNETES_CA_FILE:?set KUBERNETES_CA_FILE}" disable_local_ca_jwt=true
  fi
fi

# 4. The role: only the webhook's service account, only tokens minted for the Vault audience.
vault write "auth/${AUTH_MOUNT}/role/${ROLE}" \
  bound_service_account_names="$SA_NAME" \
  bound_service_account_namespaces="$SA_NAMESPACE" \
  audience="$AUDIENCE" \
  token_policies=eso-vault-guard \
  token_ttl=1h \
  token_max_ttl=4h

echo "role auth/${AUTH_MOUNT}/role/${ROLE} is ready for ${SA_NAMESPACE}/${SA_NAME} (audience ${AUDIENCE})"
