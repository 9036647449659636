{{/* Chart name. */}}
{{- define "expe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-wide name prefix: the release name, or "<release>-expe" when it doesn't contain the chart name. */}}
{{- define "expe.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "expe.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "expe.labels" -}}
helm.sh/chart: {{ include "expe.chart" . }}
app.kubernetes.io/part-of: expe
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Object name of one process. Call with (dict "root" $ "name" "payments"). */}}
{{- define "expe.componentName" -}}
{{- printf "%s-%s" (include "expe.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one process. Call with (dict "root" $ "name" "payments"). */}}
{{- define "expe.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* All labels of one process's objects. Call with (dict "root" $ "name" "payments"). */}}
{{- define "expe.componentLabels" -}}
{{ include "expe.labels" .root }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* Base URL of one process inside the cluster. Call with (dict "root" $ "name" "wallet"). */}}
{{- define "expe.serviceUrl" -}}
{{- $svc := index .root.Values.services .name }}
{{- printf "http://%s:%d" (include "expe.componentName" .) (int $svc.port) }}
{{- end }}

{{- define "expe.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "expe.configMapName" -}}
{{- printf "%s-common" (include "expe.fullname" .) }}
{{- end }}

{{- define "expe.publicConfigMapName" -}}
{{- printf "%s-public" (include "expe.fullname" .) }}
{{- end }}

{{- define "expe.secretName" -}}
{{- default (printf "%s-internal" (include "expe.fullname" .)) .Values.internalSecret.existingSecret }}
{{- end }}

{{/* The services each process calls synchronously (its EXPE_SERVICES__* settings), besides the
gateway, which calls every one. The network policies admit exactly these callers. */}}
{{- define "expe.calls" -}}
payments: [wallet, auth]
wallet: [auth]
webhooks: [payments]
subscriptions: [payments]
{{- end }}

{{/* The processes one process calls: every service for the gateway, else its entry in expe.calls.
Call with (dict "root" $ "name" "payments"); returns a YAML list. */}}
{{- define "expe.callees" -}}
{{- if eq .name "gateway" }}
{{- without (keys .root.Values.services | sortAlpha) "gateway" | toYaml }}
{{- else }}
{{- get (include "expe.calls" . | fromYaml) .name | default list | toYaml }}
{{- end }}
{{- end }}

{{- define "expe.backupImage" -}}
{{- printf "%s:%s" .Values.backup.image.repository (default .Chart.AppVersion .Values.backup.image.tag) }}
{{- end }}

{{/* The env entries of one process's container, beside the ConfigMap and Secret it loads whole.
Call with (dict "root" $ "name" "payments"). */}}
{{- define "expe.env" -}}
{{- $root := .root }}
{{- $name := .name }}
{{- range $callee := include "expe.callees" (dict "root" $root "name" $name) | fromYamlArray }}
- name: EXPE_SERVICES__{{ upper $callee }}
  value: {{ include "expe.serviceUrl" (dict "root" $root "name" $callee) | quote }}
{{- end }}
{{- if eq $name "gateway" }}
- name: EXPE_CORS_ORIGINS
  value: {{ toJson $root.Values.gateway.corsOrigins | quote }}
- name: EXPE_MAX_BODY_BYTES
  value: {{ int64 $root.Values.gateway.maxBodyBytes | quote }}
- name: EXPE_UPSTREAM_TIMEOUT_SECONDS
  value: {{ $root.Values.gateway.upstreamTimeoutSeconds | quote }}
- name: EXPE_LIVE_RELAY_GROUP
  value: {{ $root.Values.gateway.liveRelayGroup | quote }}
- name: EXPE_TRUSTED_PROXIES
  valueFrom:
    configMapKeyRef:
      name: {{ include "expe.publicConfigMapName" $root }}
      key: EXPE_TRUSTED_PROXIES
{{- end }}
{{- if has $name (list "auth" "payments") }}
- name: EXPE_PUBLIC_URL
  valueFrom:
    configMapKeyRef:
      name: {{ include "expe.publicConfigMapName" $root }}
      key: EXPE_PUBLIC_URL
{{- end }}
{{- if eq $name "auth" }}
- name: EXPE_SMTP__HOST
  value: {{ $root.Values.smtp.host | quote }}
- name: EXPE_SMTP__PORT
  value: {{ int $root.Values.smtp.port | quote }}
- name: EXPE_PLATFORM_ADMINS
  valueFrom:
    configMapKeyRef:
      name: {{ include "expe.publicConfigMapName" $root }}
      key: EXPE_PLATFORM_ADMINS
{{- end }}
{{- if eq $name "webhooks" }}
- name: EXPE_SEALING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.webhooks.sealingKeySecret | quote }}
      key: EXPE_SEALING_KEY
{{- end }}
{{- end }}
