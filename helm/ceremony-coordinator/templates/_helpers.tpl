{{/* Name of the chart. */}}
{{- define "ceremony.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name, suffixed with the chart name unless it already contains it. */}}
{{- define "ceremony.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects: <fullname>-<component>. Argument: (list $ "api"). */}}
{{- define "ceremony.componentname" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- printf "%s-%s" (include "ceremony.fullname" $root | trunc (sub 62 (len $component) | int) | trimSuffix "-") $component -}}
{{- end -}}

{{- define "ceremony.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "ceremony.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: {{ include "ceremony.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component. Argument: (list $ "api"). */}}
{{- define "ceremony.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "ceremony.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* All labels of one component. Argument: (list $ "api"). */}}
{{- define "ceremony.componentLabels" -}}
{{ include "ceremony.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "ceremony.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ceremony.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ceremony.secretName" -}}
{{- default (include "ceremony.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "ceremony.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "ceremony.publicUrl" -}}
{{- if .Values.config.publicUrl -}}
{{- .Values.config.publicUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{- define "ceremony.githubLogin" -}}
{{- if .Values.config.auth.github.clientId }}true{{ end -}}
{{- end -}}

{{/* The JSON config file (settings without an environment variable). */}}
{{- define "ceremony.configFile" -}}
{{- $rounds := dict "numG1Powers" .Values.ceremony.rounds.numG1Powers "numG2Powers" .Values.ceremony.rounds.numG2Powers "chunkCount" .Values.ceremony.rounds.chunkCount "contributorsPerRound" .Values.ceremony.rounds.contributorsPerRound -}}
{{- dict "ceremony" (dict "sizes" .Values.ceremony.sizes "rounds" $rounds) | toPrettyJson -}}
{{- end -}}

{{/*
The pod template shared by the three Deployments. Argument: dict with
  root: $, component: "api" | "workflow-worker" | "verification-worker", values: the component's values,
  args: the container arguments, api: true for the API (port, probes, preStop, session key).
*/}}
{{- define "ceremony.podTemplate" -}}
{{- $root := .root -}}
{{- $v := .values -}}
metadata:
  labels:
    {{- include "ceremony.componentLabels" (list $root .component) | nindent 4 }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- if not $root.Values.existingSecret }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- end }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- if not .api }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $root.Values.workerMetricsPort | quote }}
    prometheus.io/path: /metrics
    {{- end }}
spec:
  serviceAccountName: {{ include "ceremony.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- if .api }}
  # preStop (5 s) + the graceful close (shutdownTimeoutMs, 10 s) + margin.
  terminationGracePeriodSeconds: 25
  {{- else }}
  terminationGracePeriodSeconds: 20
  {{- end }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ ternary "api" "worker" (eq .component "api") }}
      image: {{ include "ceremony.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: {{ toJson .args }}
      {{- if .api }}
      ports:
        - name: http
          containerPort: {{ $root.Values.api.port }}
          protocol: TCP
      {{- else }}
      # The Temporal SDK's own metrics (temporal.workerMetricsPort), also the liveness probe's port.
      ports:
        - name: metrics
          containerPort: {{ $root.Values.workerMetricsPort }}
          protocol: TCP
      {{- end }}
      envFrom:
        - configMapRef:
            name: {{ include "ceremony.fullname" $root }}
      env:
        - name: CEREMONY_S3_ACCESS_KEY
          valueFrom:
            secretKeyRef:
              name: {{ include "ceremony.secretName" $root }}
              key: s3-access-key
        - name: CEREMONY_S3_SECRET_KEY
          valueFrom:
            secretKeyRef:
              name: {{ include "ceremony.secretName" $root }}
              key: s3-secret-key
        {{- if and .api (include "ceremony.githubLogin" $root) }}
        - name: CEREMONY_GITHUB_CLIENT_SECRET_FILE
          value: /etc/ceremony/secrets/github-client-secret
        {{- end }}
        {{- if not .api }}
        - name: CEREMONY_WORKER_METRICS_PORT
          value: {{ $root.Values.workerMetricsPort | quote }}
        {{- end }}
      {{- if .api }}
      # The API listens once Temporal answered and the ceremony workflow exists.
      startupProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: 2
        timeoutSeconds: 2
        failureThreshold: 60
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 3
      livenessProbe:
        httpGet:
          path: /healthz
          port: http
        periodSeconds: 20
        timeoutSeconds: 3
        failureThreshold: 3
      lifecycle:
        # Let the endpoint leave the Service before the server stops accepting.
        preStop:
          exec:
            command: ["sleep", "5"]
      {{- else }}
      # The SDK serves its metrics from the worker's own runtime: no answer, no worker.
      livenessProbe:
        httpGet:
          path: /metrics
          port: metrics
        initialDelaySeconds: 30
        periodSeconds: 30
        timeoutSeconds: 5
        failureThreshold: 3
      {{- end }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: config
          mountPath: /etc/ceremony/config
          readOnly: true
        - name: secrets
          mountPath: /etc/ceremony/secrets
          readOnly: true
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $root.Values.tmpSizeLimit }}
    - name: config
      configMap:
        name: {{ include "ceremony.componentname" (list $root "ceremony") }}
    - name: secrets
      secret:
        secretName: {{ include "ceremony.secretName" $root }}
        defaultMode: 0440
        items:
          {{- if .api }}
          - key: session-signing-key.pem
            path: session-signing-key.pem
          {{- if include "ceremony.githubLogin" $root }}
          - key: github-client-secret
            path: github-client-secret
          {{- end }}
          {{- end }}
          - key: receipt-key.pem
            path: receipt-key.pem
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* Egress rules shared by the API and the workers: Temporal frontend, S3, DNS, extras. */}}
{{- define "ceremony.egress" -}}
{{- $np := .Values.networkPolicy -}}
- to:
    - namespaceSelector:
        {{- toYaml $np.temporalFrontend.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml $np.temporalFrontend.podSelector | nindent 8 }}
  ports:
    - port: {{ $np.temporalFrontend.port }}
      protocol: TCP
- to:
    {{- toYaml $np.s3Peers | nindent 4 }}
  ports:
    - port: {{ .Values.s3.port }}
      protocol: TCP
- to:
    - namespaceSelector:
        {{- toYaml $np.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml $np.dns.podSelector | nindent 8 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- with $np.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- end -}}
