// The monitoring the chart ships: the alert rules pass promtool's checks and its unit tests
// (files/alert-rules.test.yaml), the chart renders them and the dashboard unchanged, and every metric
// they name is one the API registers. They need .tools/bin/promtool and helm (the test command's
// set-up builds both); without them these checks are skipped with a message.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { registerCeremonyMetrics } from '../../api/ceremony-metrics.js';
import { createMetrics } from '../../api/metrics.js';
import { searchAttributeCreateCommands } from '../../common/search-attributes.js';
import { repoRoot, toolPath } from '../../common/tools.js';

const run = promisify(execFile);
const files = path.join(repoRoot, 'helm', 'ceremony-coordinator', 'files');
const promtool = toolPath('promtool');
const helm = toolPath('helm');

/** Every metric name the API exposes (histograms with their _bucket, _sum and _count series). */
async function exposedMetricNames(): Promise<Set<string>> {
  const sequential = createMetrics().registry;
  const notAsked = (): Promise<never> => Promise.reject(new Error('not asked'));
  registerCeremonyMetrics(sequential, { mode: 'sequential', snapshot: notAsked, lastAcceptedAt: notAsked, openedAt: notAsked });
  const rounds = createMetrics().registry;
  registerCeremonyMetrics(rounds, { mode: 'rounds', status: notAsked });
  const names = new Set<string>();
  for (const metric of [...(await sequential.getMetricsAsJSON()), ...(await rounds.getMetricsAsJSON())]) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

/** The API's metric names a text uses (temporal_* ones are the SDK's, from the workers). */
function metricsNamedIn(text: string): string[] {
  return [...new Set(text.match(/\bceremony_[a-z_]+\b/g) ?? [])];
}

describe('the alert rules and the dashboard', () => {
  it('name only metrics the API exposes', async () => {
    const exposed = await exposedMetricNames();
    const rules = await readFile(path.join(files, 'alert-rules.yaml'), 'utf8');
    const dashboard = await readFile(path.join(files, 'dashboard.json'), 'utf8');
    const named = [...metricsNamedIn(rules), ...metricsNamedIn(dashboard)];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !exposed.has(name))).toEqual([]);
    // The dashboard is valid JSON whose panels all query something.
    const parsed = JSON.parse(dashboard) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    expect(parsed.panels.every((panel) => panel.targets.length > 0 && panel.targets.every((t) => t.expr !== ''))).toBe(true);
  });

  if (!existsSync(promtool)) {
    process.stderr.write(`\n[test/deploy/alert-rules] SKIPPING promtool: ${promtool} is absent. Build it with 'bash scripts/install-tools.sh promtool' (Go is needed).\n\n`);
  }
  it.skipIf(!existsSync(promtool))('pass promtool check rules and its rule unit tests', async () => {
    const checked = await run(promtool, ['check', 'rules', path.join(files, 'alert-rules.yaml')]);
    expect(checked.stdout).toMatch(/SUCCESS: 7 rules found/);
    const tested = await run(promtool, ['test', 'rules', path.join(files, 'alert-rules.test.yaml')]);
    expect(tested.stdout).toContain('SUCCESS');
  });

  it.skipIf(!existsSync(helm))('the chart renders the rules and the dashboard unchanged when asked, and nothing of them by default', async () => {
    const base = ['template', 'x', path.join(repoRoot, 'helm', 'ceremony-coordinator'), '--set', 'temporal.address=t:7233', '--set', 's3.endpoint=minio'];
    const plain = await run(helm, base);
    expect(plain.stdout).not.toContain('PrometheusRule');
    const enabled = [...base, '--set', 'monitoring.prometheusRules.enabled=true', '--set', 'monitoring.dashboard.enabled=true', '--set', 'monitoring.prometheusRules.labels.release=kps'];
    type Doc = { kind?: string; metadata?: { labels?: Record<string, string> }; spec?: unknown; data?: Record<string, string> };
    const render = async (args: string[]): Promise<Doc[]> => parseAllDocuments((await run(helm, args)).stdout).map((d) => d.toJS() as Doc);
    const rules = parseYaml(await readFile(path.join(files, 'alert-rules.yaml'), 'utf8')) as { groups: Array<{ name: string }> };
    // The workers' rules only when their metrics are scraped (workerRules); with them, the file as it is.
    const withoutWorkers = (await render(enabled)).find((d) => d.kind === 'PrometheusRule');
    expect(withoutWorkers?.metadata?.labels?.['release']).toBe('kps');
    expect(withoutWorkers?.spec).toEqual({ groups: rules.groups.filter((g) => g.name !== 'ceremony-coordinator-workers') });
    const docs = await render([...enabled, '--set', 'monitoring.prometheusRules.workerRules=true']);
    expect(docs.find((d) => d.kind === 'PrometheusRule')?.spec).toEqual(rules);
    const dashboard = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.labels?.['grafana_dashboard'] === '1');
    expect(JSON.parse(dashboard?.data?.['ceremony-coordinator.json'] ?? '')).toEqual(JSON.parse(await readFile(path.join(files, 'dashboard.json'), 'utf8')));
  });
});

describe('the search attributes operators create', () => {
  it('are, in docs/operations.md, exactly the ones the code declares', async () => {
    const docs = await readFile(path.join(repoRoot, 'docs', 'operations.md'), 'utf8');
    const documented = docs.split('\n').filter((line) => line.trim().startsWith('temporal operator search-attribute create'));
    expect(documented.map((line) => line.trim())).toEqual(searchAttributeCreateCommands('default'));
  });
});
