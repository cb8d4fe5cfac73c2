#!/usr/bin/env bash
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
#   I_UNDERSTAND_SHARED_CONFIG set to 1 to rewrite an auth/<mount>/config that is already set
#                   (every role on that mount, e.g. ESO's own, logs in through it).
set -euo pipefail

AUTH_MOUNT="${AUTH_MOUNT:-kubernetes}"
ROLE="${ROLE:-eso-vault-guard}"
SA_NAME="${SA_NAME:-eso-vault-guard}"
SA_NAMESPACE="${SA_NAMESPACE:-eso-vault-guard}"
AUDIENCE="${AUDIENCE:-vault}"
HERE="$(cd "$(dirname "$0")" && pwd)"

: "${VAULT_ADDR:?set VAULT_ADDR}"

warn() { printf '\n*** WARNING: %s\n\n' "$*" >&2; }
die() { printf 'setup-role.sh: %s\n' "$*" >&2; exit 1; }

# 1. What is mounted at AUTH_MOUNT, before anything is written: "" when nothing is.
#    `vault read sys/auth/<path>` answers for one mount (Vault >= 1.10; OpenBao too).
mount_type="$(vault read -field=type "sys/auth/${AUTH_MOUNT}" 2>/dev/null || true)"
if [ -n "$mount_type" ] && [ "$mount_type" != "kubernetes" ]; then
  die "auth/${AUTH_MOUNT} is a \"${mount_type}\" auth method, not kubernetes; pick another AUTH_MOUNT (nothing was changed)"
fi

# 2. The read-only policy (mounts, auth roles, policies, KV metadata; no secret writes).
vault policy write eso-vault-guard "$HERE/eso-vault-guard-policy.hcl"

# 3. The kubernetes auth mount, only if nothing is mounted there yet.
if [ -z "$mount_type" ]; then
  vault auth enable -path="$AUTH_MOUNT" kubernetes
fi

# 4. Optionally point the mount at the cluster's API server. The config is shared by every role on
#    the mount (ESO's roles too): rewriting it can break their logins, so an existing one is only
#    replaced on explicit request.
if [ "${CONFIGURE_MOUNT:-0}" = "1" ]; then
  : "${KUBERNETES_HOST:?set KUBERNETES_HOST (https://<api-server>:6443)}"
  current_host="$(vault read -field=kubernetes_host "auth/${AUTH_MOUNT}/config" 2>/dev/null || true)"
  if [ -n "$current_host" ]; then
    warn "auth/${AUTH_MOUNT}/config is already set (kubernetes_host=${current_host}). It is SHARED by every role on this mount, including ESO's: rewriting it changes how all of them log in."
    if [ "${I_UNDERSTAND_SHARED_CONFIG:-0}" != "1" ]; then
      die "not rewriting auth/${AUTH_MOUNT}/config; set I_UNDERSTAND_SHARED_CONFIG=1 to replace it, or leave CONFIGURE_MOUNT unset to keep it"
    fi
    warn "rewriting the shared auth/${AUTH_MOUNT}/config (I_UNDERSTAND_SHARED_CONFIG=1)"
  fi
  if [ -n "${REVIEWER_JWT_FILE:-}" ]; then
    vault write "auth/${AUTH_MOUNT}/config" kubernetes_host="$KUBERNETES_HOST" \
      kubernetes_ca_cert=@"${KUBERNETES_CA_FILE:?set KUBERNETES_CA_FILE}" token_reviewer_jwt=@"$REVIEWER_JWT_FILE"
  else
    # Client-JWT mode: Vault calls TokenReview with the logging-in token itself.
    vault write "auth/${AUTH_MOUNT}/config" kubernetes_host="$KUBERNETES_HOST" \
      kubernetes_ca_cert=@"${KUBERNETES_CA_FILE:?set KUBERNETES_CA_FILE}" disable_local_ca_jwt=true
  fi
fi

# 5. The role: only the webhook's service account, only tokens minted for the Vault audience.
vault write "auth/${AUTH_MOUNT}/role/${ROLE}" \
  bound_service_account_names="$SA_NAME" \
  bound_service_account_namespaces="$SA_NAMESPACE" \
  audience="$AUDIENCE" \
  token_policies=eso-vault-guard \
  token_ttl=1h \
  token_max_ttl=4h

echo "role auth/${AUTH_MOUNT}/role/${ROLE} is ready for ${SA_NAMESPACE}/${SA_NAME} (audience ${AUDIENCE})"
