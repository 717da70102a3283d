// Builds the public web front (web/) into web/dist: the pages and styles copied, and the TypeScript
// bundled for browsers with esbuild (the engine on the wasm backend; no CDN, nothing fetched at run
// time). `npm run setup` runs it (scripts/build-web.ts), and so does the test suite's global setup.
import { cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WEB_ENTRY_POINTS } from './entry-points.js';

const root = fileURLToPath(new URL('./', import.meta.url));
export const WEB_DIST_DIR = `${root}dist`;

export interface WebBuild {
  bundles: number;
  javascriptBytes: number;
  ms: number;
}

export async function buildWebFront(): Promise<WebBuild> {
  const began = Date.now();
  await rm(WEB_DIST_DIR, { recursive: true, force: true });
  await mkdir(`${WEB_DIST_DIR}/assets`, { recursive: true });
  await cp(`${root}static`, WEB_DIST_DIR, { recursive: true });
  const result = await build({
    entryPoints: WEB_ENTRY_POINTS.map((name) => `${root}src/${name}.ts`),
    outdir: `${WEB_DIST_DIR}/assets`,
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const javascriptBytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  return { bundles: WEB_ENTRY_POINTS.length, javascriptBytes, ms: Date.now() - began };
}
