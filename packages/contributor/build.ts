// Builds the installable client package `ceremony-contributor` into a folder ready for `npm pack`:
// cli/contributor-main.ts and the engine's worker bundled by esbuild (everything but the optional
// native blst addon), a package.json whose version and blst range come from the repository's own, and
// this folder's README. `npx tsx scripts/pack-client.ts` packs it.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

/** The native addon stays outside the bundle, optional: without it the client computes on wasm. */
const NATIVE = '@chainsafe/blst';

export const CLIENT_PACKAGE_NAME = 'ceremony-contributor';

interface RootManifest {
  version: string;
  license: string;
  engines: { node: string };
  dependencies: Record<string, string>;
}

export interface BuiltClient {
  /** The folder to pack. */
  dir: string;
  version: string;
  /** Every file the bundles were made from (none of Temporal or Koa). */
  inputs: string[];
}

export async function buildClientPackage(dir: string): Promise<BuiltClient> {
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as RootManifest;
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'dist'), { recursive: true });
  const result = await build({
    entryPoints: { cli: path.join(root, 'cli/contributor-main.ts'), 'worker-entry': path.join(root, 'engine/pool/worker-main.ts') },
    outdir: path.join(dir, 'dist'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [NATIVE],
    // CommonJS dependencies (mcl-wasm) require Node's built-ins; an ES module has no `require` of its own.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __ceremonyRequire } from 'node:module';\nconst require = __ceremonyRequire(import.meta.url);" },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const nativeRange = manifest.dependencies[NATIVE];
  if (nativeRange === undefined) throw new Error(`the repository's package.json has no ${NATIVE}`);
  const pkg = {
    name: CLIENT_PACKAGE_NAME,
    version: manifest.version,
    description: 'Contribute to a powers-of-tau ceremony, verify it, and check receipts: the client of the ceremony coordinator',
    license: manifest.license,
    type: 'module',
    bin: { [CLIENT_PACKAGE_NAME]: 'dist/cli.mjs' },
    files: ['dist', 'README.md'],
    engines: manifest.engines,
    optionalDependencies: { [NATIVE]: nativeRange },
  };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  await copyFile(path.join(here, 'README.md'), path.join(dir, 'README.md'));
  return { dir, version: manifest.version, inputs: Object.keys(result.metafile.inputs) };
}

/** `npm pack` of a built package folder into `destination`; the tarball's path. */
export async function packClient(built: BuiltClient, destination: string): Promise<string> {
  await mkdir(destination, { recursive: true });
  const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--pack-destination', destination], { cwd: built.dir });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  if (packed === undefined) throw new Error('npm pack named no tarball');
  return path.join(destination, packed.filename);
}
