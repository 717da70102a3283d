import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config.js';

describe('configuration', () => {
  it('has sane defaults', () => {
    const cfg = loadConfig({ env: {} });
    expect(cfg.api.port).toBe(8080);
    expect(cfg.api.host).toBe('127.0.0.1');
    expect(cfg.temporal.devServer.uiPort).toBe(8233);
    expect(cfg.store.kind).toBe('fs');
    expect(path.isAbsolute(cfg.dataDir)).toBe(true);
  });

  it('layers file < environment < flags', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ api: { port: 9001, host: '0.0.0.0' }, log: { level: 'warn' } }));
    const fromFile = loadConfig({ file, env: {} });
    expect(fromFile.api).toMatchObject({ port: 9001, host: '0.0.0.0' });
    const fromEnv = loadConfig({ file, env: { CEREMONY_API_PORT: '9002', TEMPORAL_ADDRESS: 'temporal:7233' } });
    expect(fromEnv.api.port).toBe(9002);
    expect(fromEnv.api.host).toBe('0.0.0.0');
    expect(fromEnv.temporal.address).toBe('temporal:7233');
    const fromFlags = loadConfig({ file, env: { CEREMONY_API_PORT: '9002' }, overrides: { api: { port: 9003 } } });
    expect(fromFlags.api.port).toBe(9003);
  });

  it('names the field of an invalid value', () => {
    expect(() => loadConfig({ env: { CEREMONY_API_PORT: '70000' } })).toThrow(/api\.port/);
    expect(() => loadConfig({ env: { CEREMONY_API_PORT: 'eighty' } })).toThrow(/CEREMONY_API_PORT/);
    expect(() => loadConfig({ env: { CEREMONY_LOG_LEVEL: 'loud' } })).toThrow(/log\.level/);
    expect(() => loadConfig({ env: {}, overrides: { api: { prot: 1 } } })).toThrow(/api: Unrecognized key: "prot"/);
    expect(() => loadConfig({ env: { CEREMONY_STORE: 's3' } })).toThrow(/store\.s3\.accessKey/);
    expect(() => loadConfig({ env: { CEREMONY_TRUST_PROXY: 'maybe' } })).toThrow(ConfigError);
  });

  it('refuses a pulse in which one late beat would count as an outage, naming the field', () => {
    const pulse = (p: Record<string, unknown>) => () => loadConfig({ env: {}, overrides: { ceremony: { pulse: p } } });
    expect(pulse({ beatMs: 2_000, outageAfterMs: 3_000 })).toThrow(/ceremony\.pulse\.outageAfterMs: outageAfterMs must be at least twice beatMs/);
    expect(pulse({ beatMs: 50 })).toThrow(/ceremony\.pulse\.beatMs/);
    expect(pulse({ beatMs: 1_000, outageAfterMs: 2_000 })().ceremony.pulse).toEqual({ beatMs: 1_000, outageAfterMs: 2_000, recoveryMs: 20_000 });
    expect(loadConfig({ env: {} }).ceremony.pulse).toEqual({ beatMs: 2_000, outageAfterMs: 6_000, recoveryMs: 20_000 });
    expect(pulse({ recoveryMs: -1 })).toThrow(/ceremony\.pulse\.recoveryMs/);
  });

  it('reports an unreadable or malformed config file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-'));
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ not json');
    expect(() => loadConfig({ file: bad, env: {} })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ file: path.join(dir, 'missing.json'), env: {} })).toThrow(/cannot read config file/);
  });
});

describe('docs/configuration.md', () => {
  it('lists every setting with its default, as generated from the schema', async () => {
    const { readFile } = await import('node:fs/promises');
    const { renderConfigDoc } = await import('../../scripts/gen-config-doc.js');
    const { repoRoot } = await import('../../common/tools.js');
    const committed = await readFile(path.join(repoRoot, 'docs', 'configuration.md'), 'utf8');
    expect(committed).toBe(renderConfigDoc());
  });

  it('gives every listed setting a meaning', async () => {
    const { readFile } = await import('node:fs/promises');
    const { repoRoot } = await import('../../common/tools.js');
    const committed = await readFile(path.join(repoRoot, 'docs', 'configuration.md'), 'utf8');
    const rows = committed.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(0);
    // A row is `| setting | default | environment | meaning |`; a stray `|` in a cell would shift the meaning.
    const cells = rows.map((row) =>
      row
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
    expect(cells.filter((c) => c.length !== 4).map((c) => c[0])).toEqual([]);
    expect(cells.filter((c) => c[3] === '').map((c) => c[0])).toEqual([]);
  });
});
