// Builds and packs the installable client: `ceremony-contributor-<version>.tgz` in the current folder
// (or --out DIR). Install it with `npm install -g <tarball>` on any machine with Node.js.
//   npx tsx scripts/pack-client.ts [--out DIR]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildClientPackage, packClient } from '../packages/contributor/build.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: '.' } } });

async function main(): Promise<void> {
  const built = await buildClientPackage(path.resolve('.tmp/client-package'));
  const tarball = await packClient(built, path.resolve(values.out ?? '.'));
  process.stderr.write(`[pack-client] ${tarball}\n  install: npm install -g ${tarball}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[pack-client] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
