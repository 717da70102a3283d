// The deployment manifests, offline: the plain k8s/ set and the Helm chart (helm lint, helm template
// with the defaults and with a variant) parse as YAML and hold what a deployment needs: resources,
// probes where there is an HTTP port, a locked-down securityContext, environment variable names that
// common/config.ts knows (and values it accepts), a Secret of placeholders only, an HPA on the
// verification worker, NetworkPolicies, PDBs. The chart tests need .tools/bin/helm
// (`bash scripts/install-tools.sh helm`); without it they are skipped with a message.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentVariables, loadConfig, sharedTemporalProblems } from '../../common/config.js';
import { repoRoot, toolPath } from '../../common/tools.js';

const run = promisify(execFile);
const chartDir = path.join(repoRoot, 'helm', 'ceremony-coordinator');
const k8sDir = path.join(repoRoot, 'k8s');
const helm = toolPath('helm');
const haveHelm = existsSync(helm);
const release = 'ceremony-coordinator';
const knownEnv = new Set(environmentVariables.map((v) => v.name));
const configDefaults = loadConfig({ env: {} });
const queues = configDefaults.temporal.taskQueues;

// ---- YAML ------------------------------------------------------------------------------------------

type LoadAll = (text: string) => unknown[];

/** A YAML multi-document parser from node_modules: `yaml` if present, else `js-yaml`. */
function yamlParser(): LoadAll {
  const require = createRequire(import.meta.url);
  try {
    const yaml = require('yaml') as { parseAllDocuments(text: string): Array<{ errors: unknown[]; toJS(): unknown }> };
    return (text) =>
      yaml.parseAllDocuments(text).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`invalid YAML: ${String(doc.errors[0])}`);
        return doc.toJS();
      });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
  }
  try {
    const jsYaml = require('js-yaml') as { loadAll(text: string): unknown[] };
    return (text) => jsYaml.loadAll(text);
  } catch {
    throw new Error('no YAML parser in node_modules: add `yaml` (or `js-yaml`) to devDependencies');
  }
}
const loadAll = yamlParser();

// ---- Kubernetes object shapes (only what the checks read) ------------------------------------------

type Labels = Record<string, string>;
interface Meta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
  tcpSocket?: { port: string | number };
}
interface ResourceSet {
  cpu?: string | number;
  memory?: string | number;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: ResourceSet; limits?: ResourceSet };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; privileged?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface Volume {
  name: string;
  emptyDir?: Record<string, unknown> | null;
  configMap?: { name: string };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
}
interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Labels };
    template: {
      metadata: { labels: Labels };
      spec: {
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        automountServiceAccountToken?: boolean;
        containers: Container[];
        volumes?: Volume[];
      };
    };
  };
}
interface ConfigMap extends K8sObject {
  data?: Record<string, string>;
}
interface Secret extends K8sObject {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: Array<{ type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }>;
  };
}
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface Peer {
  namespaceSelector?: Selector;
  podSelector?: Selector;
  ipBlock?: { cidr: string };
}
interface PolicyPort {
  port?: number | string;
  protocol?: string;
}
interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: Selector;
    policyTypes: string[];
    ingress?: Array<{ from?: Peer[]; ports?: PolicyPort[] }>;
    egress?: Array<{ to?: Peer[]; ports?: PolicyPort[] }>;
  };
}
interface Pdb extends K8sObject {
  spec: { selector: Selector; minAvailable?: number | string; maxUnavailable?: number | string };
}
interface Service extends K8sObject {
  spec: { selector: Labels; ports: Array<{ name?: string; port: number; targetPort: string | number }> };
}
interface Ingress extends K8sObject {
  spec: {
    tls?: Array<{ hosts: string[]; secretName: string }>;
    rules: Array<{ host: string; http: { paths: Array<{ path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }> } }>;
  };
}

function isObject(doc: unknown): doc is K8sObject {
  const d = doc as Partial<K8sObject> | null;
  return typeof d === 'object' && d !== null && typeof d.kind === 'string' && typeof d.apiVersion === 'string' && typeof d.metadata?.name === 'string';
}

/** Parses a multi-document YAML text into Kubernetes objects (empty documents dropped). */
function parseObjects(text: string, origin: string): K8sObject[] {
  const docs = loadAll(text).filter((doc) => doc !== null && doc !== undefined);
  for (const doc of docs) expect(isObject(doc), `${origin}: a document without apiVersion, kind and metadata.name`).toBe(true);
  return docs as K8sObject[];
}

function ofKind<T extends K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

// ---- checks ------------------------------------------------------------------------------------------

const components = ['api', 'workflow-worker', 'verification-worker'] as const;
type Component = (typeof components)[number];

/** CPU in cores, memory in bytes. */
function quantity(value: string | number | undefined, what: string): number {
  expect(value, what).toBeDefined();
  const text = String(value);
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  expect(m, `${what}: ${text} is not a quantity`).not.toBeNull();
  const units: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(m?.[1]) * (units[m?.[2] ?? ''] ?? Number.NaN);
}

function selects(selector: Selector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    if (e.operator === 'In') return value !== undefined && (e.values ?? []).includes(value);
    if (e.operator === 'NotIn') return value === undefined || !(e.values ?? []).includes(value);
    if (e.operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return byLabels && byExpressions;
}

const placeholder = /^(REPLACE_ME\b.*)?$/s;

function secretValues(secret: Secret): Record<string, string> {
  const out: Record<string, string> = { ...(secret.stringData ?? {}) };
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/** The secret is made of placeholders: nothing that looks like a key, a PEM or a credential. */
function expectPlaceholdersOnly(secret: Secret): void {
  const values = secretValues(secret);
  expect(Object.keys(values).length).toBeGreaterThan(0);
  for (const [key, value] of Object.entries(values)) {
    const where = `Secret ${secret.metadata.name} key ${key}`;
    expect(value, `${where} must be a placeholder (REPLACE_ME...)`).toMatch(placeholder);
    expect(value, where).not.toContain('-----BEGIN');
    expect(value, where).not.toMatch(/[A-Za-z0-9+/=_-]{20,}/);
    expect(value, where).not.toMatch(/"d"\s*:/);
  }
}

interface ManifestSet {
  origin: string;
  /** The Secret every reference must name. */
  secretName: string;
  objects: K8sObject[];
  deployments: Map<Component, Deployment>;
  configMaps: Map<string, ConfigMap>;
  secret?: Secret;
}

function indexSet(objects: K8sObject[], origin: string, secretName: string): ManifestSet {
  const deployments = new Map<Component, Deployment>();
  for (const d of ofKind<Deployment>(objects, 'Deployment')) {
    const component = d.spec.template.metadata.labels['app.kubernetes.io/component'];
    if ((components as readonly string[]).includes(component ?? '') && !deployments.has(component as Component)) deployments.set(component as Component, d);
  }
  const configMaps = new Map(ofKind<ConfigMap>(objects, 'ConfigMap').map((c) => [c.metadata.name, c]));
  return { origin, secretName, objects, deployments, configMaps, secret: ofKind<Secret>(objects, 'Secret')[0] };
}

function deployment(set: ManifestSet, component: Component): Deployment {
  const d = set.deployments.get(component);
  if (d === undefined) throw new Error(`${set.origin}: no Deployment for ${component}`);
  return d;
}

function container(d: Deployment): Container {
  const c = d.spec.template.spec.containers[0];
  if (c === undefined) throw new Error(`${d.metadata.name}: no container`);
  return c;
}

function volumesOf(d: Deployment): Map<string, Volume> {
  return new Map((d.spec.template.spec.volumes ?? []).map((v) => [v.name, v]));
}

function checkObjects(set: ManifestSet): void {
  // Namespace-agnostic: nothing pins a namespace.
  for (const o of set.objects) expect(o.metadata.namespace, `${set.origin}: ${o.kind}/${o.metadata.name} sets a namespace`).toBeUndefined();
  const ids = set.objects.map((o) => `${o.kind}/${o.metadata.name}`);
  expect(new Set(ids).size, `${set.origin}: duplicate objects`).toBe(ids.length);
  const deployments = ofKind<Deployment>(set.objects, 'Deployment');
  expect(deployments.map((d) => d.spec.template.metadata.labels['app.kubernetes.io/component']).sort(), `${set.origin}: one Deployment per process`).toEqual([...components].sort());
  for (const d of deployments) {
    expect(selects(d.spec.selector, d.spec.template.metadata.labels), `${set.origin}: ${d.metadata.name}'s selector matches its pods`).toBe(true);
    expect(d.spec.template.spec.containers, `${d.metadata.name}: one container`).toHaveLength(1);
  }
  expect(ofKind<Secret>(set.objects, 'Secret').length).toBeLessThanOrEqual(1);
}

function checkSecret(set: ManifestSet): void {
  if (set.secret === undefined) return;
  expect(set.secret.metadata.name).toBe(set.secretName);
  expectPlaceholdersOnly(set.secret);
}

function checkResourcesAndSecurity(set: ManifestSet): void {
  for (const d of set.deployments.values()) {
    const where = `${set.origin}: Deployment ${d.metadata.name}`;
    const pod = d.spec.template.spec;
    const c = container(d);
    for (const kind of ['requests', 'limits'] as const) {
      for (const r of ['cpu', 'memory'] as const) quantity(c.resources?.[kind]?.[r], `${where}: resources.${kind}.${r}`);
    }
    for (const r of ['cpu', 'memory'] as const) {
      expect(quantity(c.resources?.requests?.[r], r), `${where}: ${r} request <= limit`).toBeLessThanOrEqual(quantity(c.resources?.limits?.[r], r));
    }
    expect(pod.securityContext?.runAsNonRoot, `${where}: runAsNonRoot`).toBe(true);
    expect(pod.automountServiceAccountToken, `${where}: no service account token`).toBe(false);
    expect(c.securityContext?.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(true);
    expect(c.securityContext?.allowPrivilegeEscalation, `${where}: allowPrivilegeEscalation`).toBe(false);
    expect(c.securityContext?.privileged ?? false, `${where}: privileged`).toBe(false);
    expect(c.securityContext?.capabilities?.drop, `${where}: drop ALL`).toContain('ALL');
    expect(c.securityContext?.capabilities?.add ?? [], `${where}: no added capabilities`).toEqual([]);
    const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(tmp, `${where}: /tmp mounted`).toBeDefined();
    expect(volumesOf(d).get(tmp?.name ?? '')?.emptyDir, `${where}: /tmp is an emptyDir`).toBeDefined();
  }
  // Heavy cryptography gets whole cores.
  expect(quantity(container(deployment(set, 'verification-worker')).resources?.requests?.cpu, 'cpu'), `${set.origin}: verification worker CPU request`).toBeGreaterThanOrEqual(1);
}

function checkCommandsAndProbes(set: ManifestSet): void {
  for (const [component, d] of set.deployments) {
    const where = `${set.origin}: Deployment ${d.metadata.name}`;
    const c = container(d);
    expect(c.command, `${where}: the image's ENTRYPOINT (bin/ceremony) runs`).toBeUndefined();
    const args = c.args ?? [];
    if (component === 'api') {
      expect(args[0], where).toBe('api');
      expect(c.ports?.find((p) => p.name === 'http')?.containerPort, `${where}: port http`).toBe(8080);
      expect(c.readinessProbe?.httpGet?.path, `${where}: readiness`).toBe('/readyz');
      expect(c.livenessProbe?.httpGet?.path, `${where}: liveness`).toBe('/healthz');
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        if (probe?.httpGet !== undefined) expect([8080, 'http'], `${where}: probe port`).toContain(probe.httpGet.port);
      }
    } else {
      const queue = component === 'workflow-worker' ? queues.workflows : queues.verification;
      expect(args.slice(0, 3), where).toEqual(['worker', '--task-queue', queue]);
      // The worker's one port serves the Temporal SDK's metrics (temporal.workerMetricsPort), and its
      // liveness probe asks it; nothing is ready or not (a worker only polls).
      expect(c.ports ?? [], `${where}: the metrics port only`).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
      expect(c.env?.find((e) => e.name === 'CEREMONY_WORKER_METRICS_PORT')?.value, `${where}: the worker serves its metrics on it`).toBe('9464');
      expect(c.livenessProbe?.httpGet, `${where}: liveness on the metrics port`).toEqual({ path: '/metrics', port: 'metrics' });
      expect(c.readinessProbe, `${where}: no readiness probe`).toBeUndefined();
    }
    const flag = args.indexOf('--config');
    if (flag >= 0) {
      const file = args[flag + 1] ?? '';
      const mount = c.volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
      const cm = volumesOf(d).get(mount?.name ?? '')?.configMap?.name;
      expect(cm !== undefined && set.configMaps.get(cm)?.data?.[path.basename(file)] !== undefined, `${where}: --config ${file} comes from a ConfigMap`).toBe(true);
    }
  }
}

function checkEnvironment(set: ManifestSet): void {
  const secretKeys = set.secret === undefined ? undefined : Object.keys(secretValues(set.secret));
  for (const d of set.deployments.values()) {
    const where = `${set.origin}: Deployment ${d.metadata.name}`;
    const c = container(d);
    const names: string[] = [];
    for (const from of c.envFrom ?? []) {
      expect(from.secretRef, `${where}: no envFrom secretRef (its names would be unchecked)`).toBeUndefined();
      const cm = set.configMaps.get(from.configMapRef?.name ?? '');
      expect(cm, `${where}: envFrom ConfigMap ${from.configMapRef?.name ?? ''} exists`).toBeDefined();
      names.push(...Object.keys(cm?.data ?? {}));
    }
    for (const e of c.env ?? []) {
      names.push(e.name);
      const ref = e.valueFrom?.secretKeyRef;
      if (ref === undefined) continue;
      expect(ref.name, `${where}: ${e.name} from the Secret`).toBe(set.secretName);
      if (secretKeys !== undefined) expect(secretKeys, `${where}: secret key ${ref.key}`).toContain(ref.key);
    }
    expect(
      names.filter((n) => !knownEnv.has(n)),
      `${where}: environment variables that common/config.ts does not know`,
    ).toEqual([]);
    for (const v of volumesOf(d).values()) {
      if (v.secret === undefined) continue;
      expect(v.secret.secretName, `${where}: volume ${v.name}`).toBe(set.secretName);
      if (secretKeys !== undefined) for (const item of v.secret.items ?? []) expect(secretKeys, `${where}: secret key ${item.key}`).toContain(item.key);
    }
  }
  // The session signing key is mounted on the API only; the receipt key on every process.
  const secretItems = (component: Component): string[] => [...volumesOf(deployment(set, component)).values()].flatMap((v) => v.secret?.items?.map((i) => i.key) ?? []);
  expect(secretItems('api')).toEqual(expect.arrayContaining(['session-signing-key.pem', 'receipt-key.pem']));
  for (const w of ['workflow-worker', 'verification-worker'] as const) {
    expect(secretItems(w)).toContain('receipt-key.pem');
    expect(secretItems(w)).not.toContain('session-signing-key.pem');
  }
}

/** The settings pass the real configuration loader (types, enums, the s3 store, the JSON file). */
async function checkLoadsAsConfig(set: ManifestSet): Promise<void> {
  const c = container(deployment(set, 'api'));
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) Object.assign(env, set.configMaps.get(from.configMapRef?.name ?? '')?.data ?? {});
  for (const e of c.env ?? []) env[e.name] = e.value ?? 'placeholder-from-secret';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'manifests-'));
  try {
    let file: string | undefined;
    const args = c.args ?? [];
    const flag = args.indexOf('--config');
    if (flag >= 0) {
      const name = path.basename(args[flag + 1] ?? '');
      file = path.join(dir, name);
      await writeFile(file, [...set.configMaps.values()].map((cm) => cm.data?.[name]).find((t) => t !== undefined) ?? '');
    }
    let cfg;
    try {
      cfg = loadConfig({ env, file });
    } catch (err) {
      throw new Error(`${set.origin}: the manifests' configuration does not load: ${(err as Error).message}`);
    }
    expect(cfg.store.kind).toBe('s3');
    expect(cfg.temporal.address).toMatch(/^[^:]+:\d+$/);
    expect(cfg.api.host).toBe('0.0.0.0');
    expect(cfg.api.port).toBe(c.ports?.find((p) => p.name === 'http')?.containerPort);
    expect(cfg.api.trustProxy).toBe(true);
    expect(cfg.api.proxyHops, 'the proxies in front of the API are counted (X-Forwarded-For)').toBe(1);
    expect(cfg.auth.signingKeyFile).toMatch(/^\/etc\/ceremony\/secrets\//);
    expect(cfg.evidence.receiptKeyFile).toMatch(/^\/etc\/ceremony\/secrets\//);
    expect(cfg.dataDir.startsWith('/tmp/'), 'the data directory is on the writable /tmp').toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Every process (API and both workers) has what a process joining a shared Temporal must be given
 * (one receipt key, one store): else it would refuse to start (common/config.ts sharedTemporalProblems).
 */
async function checkSharedSettings(set: ManifestSet): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'manifests-shared-'));
  try {
    for (const d of set.deployments.values()) {
      const c = container(d);
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) Object.assign(env, set.configMaps.get(from.configMapRef?.name ?? '')?.data ?? {});
      for (const e of c.env ?? []) env[e.name] = e.value ?? 'placeholder-from-secret';
      const args = c.args ?? [];
      const flag = args.indexOf('--config');
      let file: string | undefined;
      if (flag >= 0) {
        const name = path.basename(args[flag + 1] ?? '');
        file = path.join(dir, name);
        await writeFile(file, [...set.configMaps.values()].map((cm) => cm.data?.[name]).find((t) => t !== undefined) ?? '');
      }
      expect(sharedTemporalProblems(loadConfig({ env, file })), `${set.origin}: Deployment ${d.metadata.name}`).toEqual([]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function checkPdbs(set: ManifestSet): void {
  const pdbs = ofKind<Pdb>(set.objects, 'PodDisruptionBudget');
  for (const [component, d] of set.deployments) {
    expect(
      pdbs.filter((p) => selects(p.spec.selector, d.spec.template.metadata.labels)),
      `${set.origin}: PDB of ${component}`,
    ).toHaveLength(1);
  }
}

function checkNetworkPolicies(set: ManifestSet): void {
  const policies = ofKind<NetworkPolicy>(set.objects, 'NetworkPolicy');
  expect(policies.length, `${set.origin}: NetworkPolicy exists`).toBeGreaterThan(0);
  const env = set.configMaps.get(release)?.data ?? {};
  const s3Port = Number(env['CEREMONY_S3_PORT'] ?? configDefaults.store.s3.port);
  const temporalPort = Number((env['TEMPORAL_ADDRESS'] ?? '').split(':').at(-1));
  for (const [component, d] of set.deployments) {
    const where = `${set.origin}: NetworkPolicy of ${component}`;
    const mine = policies.filter((p) => selects(p.spec.podSelector, d.spec.template.metadata.labels));
    expect(mine, where).toHaveLength(1);
    const policy = mine[0] as NetworkPolicy;
    expect([...policy.spec.policyTypes].sort(), where).toEqual(['Egress', 'Ingress']);
    const ingress = policy.spec.ingress ?? [];
    if (component === 'api') {
      expect(ingress.length, where).toBeGreaterThan(0);
      for (const rule of ingress) {
        expect(rule.from?.length, `${where}: every ingress rule names its sources`).toBeGreaterThan(0);
        expect(
          rule.ports?.map((p) => p.port),
          `${where}: the API port only`,
        ).toEqual([8080]);
      }
      const controller = ingress[0]?.from?.[0];
      expect(controller?.namespaceSelector, `${where}: the ingress controller's namespace`).toBeDefined();
      expect(JSON.stringify(controller), `${where}: the ingress controller`).toContain('ingress');
    } else {
      expect(ingress, `${where}: no ingress to workers`).toEqual([]);
    }
    const egressPorts = (policy.spec.egress ?? []).flatMap((rule) => {
      expect(rule.to?.length, `${where}: every egress rule names its destinations`).toBeGreaterThan(0);
      return (rule.ports ?? []).map((p) => `${String(p.port)}/${p.protocol ?? 'TCP'}`);
    });
    expect(egressPorts, `${where}: Temporal, S3, DNS`).toEqual(expect.arrayContaining([`${temporalPort}/TCP`, `${s3Port}/TCP`, '53/UDP', '53/TCP']));
  }
}

function checkServiceAndIngress(set: ManifestSet): void {
  const api = deployment(set, 'api');
  const services = ofKind<Service>(set.objects, 'Service');
  expect(services, `${set.origin}: one Service`).toHaveLength(1);
  const service = services[0] as Service;
  expect(
    Object.entries(service.spec.selector).every(([k, v]) => api.spec.template.metadata.labels[k] === v),
    `${set.origin}: the Service selects the API`,
  ).toBe(true);
  expect(service.spec.ports.map((p) => p.targetPort)).toContain('http');
  for (const ingress of ofKind<Ingress>(set.objects, 'Ingress')) {
    for (const backend of ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => p.backend.service))) {
      expect(backend.name).toBe(service.metadata.name);
      expect(service.spec.ports.some((p) => p.name === backend.port.name || p.port === backend.port.number)).toBe(true);
    }
  }
}

function checkHpa(set: ManifestSet): void {
  const hpas = ofKind<Hpa>(set.objects, 'HorizontalPodAutoscaler');
  expect(hpas, `${set.origin}: one HPA`).toHaveLength(1);
  const hpa = hpas[0] as Hpa;
  const verification = deployment(set, 'verification-worker');
  expect(hpa.apiVersion).toBe('autoscaling/v2');
  expect(hpa.spec.scaleTargetRef, `${set.origin}: the HPA targets the verification worker`).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: verification.metadata.name });
  expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
  expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
  expect(hpa.spec.metrics.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization')).toBe(true);
  // The HPA owns the replica count.
  expect(verification.spec.replicas, `${set.origin}: no replicas on the HPA-managed Deployment`).toBeUndefined();
}

/** The checks that hold for the k8s/ files and for every chart render, one test each. */
function declareChecks(current: () => ManifestSet): void {
  const checks: Array<[string, (set: ManifestSet) => void | Promise<void>]> = [
    ['are namespace-agnostic, without duplicates, with one Deployment per process', checkObjects],
    ['hold a Secret of placeholders only, if any', checkSecret],
    ['give every Deployment resources, a locked-down securityContext and an emptyDir /tmp', checkResourcesAndSecurity],
    ['run `api` with /readyz and /healthz probes, workers on their task queues with their metrics port as liveness', checkCommandsAndProbes],
    ['use only environment variables of common/config.ts, and ConfigMaps and Secret keys that exist', checkEnvironment],
    ['configure what the configuration loader accepts (store s3, Temporal address, keys from files)', checkLoadsAsConfig],
    ['give every process the receipt key and the shared store a shared Temporal requires', checkSharedSettings],
    ['have one PodDisruptionBudget per Deployment', checkPdbs],
    ['have NetworkPolicies: API ingress from the ingress controller only, egress to Temporal, S3 and DNS', checkNetworkPolicies],
    ['route the Service and the Ingress to the API http port', checkServiceAndIngress],
  ];
  for (const [name, check] of checks) it(name, () => check(current()));
}

// ---- k8s/ ----------------------------------------------------------------------------------------------

async function readK8s(): Promise<K8sObject[]> {
  const files = (await readdir(k8sDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  expect(files.length).toBeGreaterThan(0);
  const objects: K8sObject[] = [];
  for (const f of files) objects.push(...parseObjects(await readFile(path.join(k8sDir, f), 'utf8'), `k8s/${f}`));
  return objects;
}

describe('k8s/ plain manifests', () => {
  let set: ManifestSet;
  beforeAll(async () => {
    set = indexSet(await readK8s(), 'k8s/', release);
  });
  declareChecks(() => set);

  it('hold the Secret with its four keys, as placeholders', () => {
    expect(set.secret, 'k8s/ holds a placeholder Secret').toBeDefined();
    expect(Object.keys(secretValues(set.secret as Secret)).sort()).toEqual(['receipt-key.pem', 's3-access-key', 's3-secret-key', 'session-signing-key.pem']);
  });

  it('scale the verification worker with an HPA on CPU', () => {
    checkHpa(set);
  });
});

// ---- the Helm chart --------------------------------------------------------------------------------

if (!haveHelm) {
  process.stderr.write(`\n[test/deploy/manifests] SKIPPING the Helm chart checks: ${helm} is absent. Build it with 'bash scripts/install-tools.sh helm' (Go is needed).\n\n`);
}

describe.skipIf(!haveHelm)('helm/ceremony-coordinator', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'helm-home-'));
  });
  afterAll(async () => {
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });
  const helmRun = async (args: string[]): Promise<string> => {
    const env = { ...process.env, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') };
    return (await run(helm, args, { env, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 })).stdout;
  };
  const template = async (chart: string, extra: string[] = []): Promise<K8sObject[]> => parseObjects(await helmRun(['template', release, chart, ...extra]), `helm template ${extra.join(' ')}`);

  const variant = [
    '--set',
    'existingSecret=ceremony-keys',
    '--set',
    'ingress.enabled=false',
    '--set',
    'verificationWorker.autoscaling.enabled=false',
    '--set',
    'verificationWorker.replicas=3',
    '--set',
    'ceremony.mode=rounds',
    '--set',
    'config.auth.github.clientId=an-oauth-app',
    '--set',
    'config.auth.admins={git|1234567|@alice,eth|0x00000000000000000000000000000000000000ab}',
    '--set-string',
    'config.extraEnv.CEREMONY_SIWE_MIN_NONCE=1',
    '--set-string',
    'config.extraEnv.CEREMONY_SIWE_RPC_URL=https://rpc.example.org',
  ];

  it('passes helm lint --strict, with the defaults and with a variant', async () => {
    await helmRun(['lint', '--strict', chartDir]);
    await helmRun(['lint', '--strict', chartDir, ...variant]);
  });

  describe('helm template with the default values', () => {
    let set: ManifestSet;
    beforeAll(async () => {
      set = indexSet(await template(chartDir), 'helm template (defaults)', release);
    });
    declareChecks(() => set);

    it('renders the same objects as k8s/ (release name ceremony-coordinator)', async () => {
      const ids = (objects: K8sObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
      expect(ids(set.objects)).toEqual(ids(await readK8s()));
    });

    it('renders the Secret of placeholders and the HPA on the verification worker', () => {
      expect(set.secret).toBeDefined();
      checkHpa(set);
    });
  });

  describe('helm template with existingSecret, no Ingress, no autoscaling, rounds mode, GitHub login, extraEnv', () => {
    let set: ManifestSet;
    beforeAll(async () => {
      set = indexSet(await template(chartDir, variant), 'helm template (variant)', 'ceremony-keys');
    });
    declareChecks(() => set);

    it('renders no Secret, no Ingress, no HPA, fixed verification replicas', () => {
      expect(set.secret).toBeUndefined();
      expect(ofKind(set.objects, 'Ingress')).toEqual([]);
      expect(ofKind(set.objects, 'HorizontalPodAutoscaler')).toEqual([]);
      expect(deployment(set, 'verification-worker').spec.replicas).toBe(3);
    });

    it('passes the settings through, and mounts the GitHub client secret on the API only', () => {
      const env = set.configMaps.get(release)?.data ?? {};
      expect(env['CEREMONY_MODE']).toBe('rounds');
      expect(env['CEREMONY_ADMINS']).toBe('git|1234567|@alice,eth|0x00000000000000000000000000000000000000ab');
      expect(env['CEREMONY_SIWE_MIN_NONCE']).toBe('1');
      expect(env['CEREMONY_GITHUB_CLIENT_ID']).toBe('an-oauth-app');
      expect(container(deployment(set, 'api')).env?.map((e) => e.name)).toContain('CEREMONY_GITHUB_CLIENT_SECRET_FILE');
      expect(JSON.stringify(deployment(set, 'workflow-worker'))).not.toContain('github');
      expect(JSON.stringify(deployment(set, 'verification-worker'))).not.toContain('github');
    });
  });

  it('values.schema.json rejects bad values and admits only known, non-secret settings in config.extraEnv', async () => {
    await expect(helmRun(['template', release, chartDir, '--set', 'ceremony.mode=bogus'])).rejects.toThrow(/ceremony\.mode/);
    await expect(helmRun(['template', release, chartDir, '--set', 'config.extraEnv.NOT_A_SETTING=1'])).rejects.toThrow(/extraEnv/);
    await expect(helmRun(['template', release, chartDir, '--set', 'containerSecurityContext.readOnlyRootFilesystem=false'])).rejects.toThrow(/readOnlyRootFilesystem/);
    const schema = JSON.parse(await readFile(path.join(chartDir, 'values.schema.json'), 'utf8')) as {
      properties: { config: { properties: { extraEnv: { propertyNames: { enum: string[] } } } } };
    };
    const allowed = schema.properties.config.properties.extraEnv.propertyNames.enum;
    expect(
      allowed.filter((n) => !knownEnv.has(n)),
      'extraEnv names unknown to common/config.ts',
    ).toEqual([]);
    const defaults = indexSet(await template(chartDir), 'helm template (defaults)', release);
    const setByChart = Object.keys(defaults.configMaps.get(release)?.data ?? {});
    expect(
      allowed.filter((n) => setByChart.includes(n) || /KEY$|SECRET$/.test(n)),
      'extraEnv names the chart sets itself, or secrets',
    ).toEqual([]);
  });

  it('renders NOTES.txt, with a warning while the Secret holds placeholders', async () => {
    // `helm install --dry-run` needs a cluster: render NOTES.txt through tpl in a copy of the chart.
    const copy = path.join(home, 'chart');
    await cp(chartDir, copy, { recursive: true });
    await cp(path.join(chartDir, 'templates', 'NOTES.txt'), path.join(copy, 'notes.txt'));
    await writeFile(path.join(copy, 'templates', 'zz-notes.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n{{ tpl (.Files.Get "notes.txt") . | indent 4 }}\n');
    const notes = async (extra: string[]): Promise<string> => {
      const objects = await template(copy, ['--show-only', 'templates/zz-notes.yaml', ...extra]);
      return (objects[0] as ConfigMap).data?.['notes'] ?? '';
    };
    const withPlaceholders = await notes([]);
    expect(withPlaceholders).toContain('deployment/ceremony-coordinator-api');
    expect(withPlaceholders).toContain('WARNING');
    const withSecret = await notes(['--set', 'existingSecret=ceremony-keys']);
    expect(withSecret).toContain('deployment/ceremony-coordinator-verification-worker');
    expect(withSecret).not.toContain('WARNING');
  });
});
