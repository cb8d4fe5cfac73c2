{{/* Every object's name; the config's kube.* names follow it. */}}
{{- define "evg.fullname" -}}
{{- default "eso-vault-guard" .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels kustomize's base puts on every object, plus Helm's own. */}}
{{- define "evg.labels" -}}
app.kubernetes.io/name: eso-vault-guard
app.kubernetes.io/part-of: eso-vault-guard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Pod selector: the one label the base selects on. */}}
{{- define "evg.selectorLabels" -}}
app.kubernetes.io/name: eso-vault-guard
{{- end -}}

{{- define "evg.certManager" -}}
{{- if eq .Values.tls.mode "certManager" }}true{{ else if ne .Values.tls.mode "selfSigned" }}{{ fail "tls.mode must be selfSigned or certManager" }}{{ end -}}
{{- end -}}

{{/* Shared by both webhooks: which namespaces they see, and which UPDATEs reach them. */}}
{{- define "evg.webhookScope" -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        - kube-system
        {{- range .Values.admission.excludeNamespaces }}
        - {{ . | quote }}
        {{- end }}
        {{- if not .Values.namespace.create }}
        - {{ .Release.Namespace | quote }}
        {{- end }}
    - key: eso-vault-guard.io/skip
      operator: NotIn
      values: ["true"]
# Metadata-only UPDATEs (finalizers, Argo CD tracking labels/annotations, status) never reach
# the webhook; spec changes and changes of the annotations/label the server reads still do.
# Mirrors src/checks/update.ts. A missing spec on either side is sent (conservative).
matchConditions:
  - name: spec-or-guard-metadata-changed
    expression: >-
      request.operation != 'UPDATE' || oldObject == null ||
      !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec ||
      (has(object.metadata.annotations) && 'eso-vault-guard.io/mode' in object.metadata.annotations ? object.metadata.annotations['eso-vault-guard.io/mode'] : '') !=
      (has(oldObject.metadata.annotations) && 'eso-vault-guard.io/mode' in oldObject.metadata.annotations ? oldObject.metadata.annotations['eso-vault-guard.io/mode'] : '') ||
      (has(object.metadata.annotations) && 'eso-vault-guard.io/skip-codes' in object.metadata.annotations ? object.metadata.annotations['eso-vault-guard.io/skip-codes'] : '') !=
      (has(oldObject.metadata.annotations) && 'eso-vault-guard.io/skip-codes' in oldObject.metadata.annotations ? oldObject.metadata.annotations['eso-vault-guard.io/skip-codes'] : '') ||
      (has(object.metadata.labels) && 'eso-vault-guard.io/skip' in object.metadata.labels ? object.metadata.labels['eso-vault-guard.io/skip'] : '') !=
      (has(oldObject.metadata.labels) && 'eso-vault-guard.io/skip' in oldObject.metadata.labels ? oldObject.metadata.labels['eso-vault-guard.io/skip'] : '')
{{- end -}}
