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

{{- define "expe.secretName" -}}
{{- default (printf "%s-internal" (include "expe.fullname" .)) .Values.internalSecret.existingSecret }}
{{- end }}
