// Builds the web front into web/dist (web/build.ts); `npm run setup` runs it.
//   npx tsx scripts/build-web.ts
import { buildWebFront } from '../web/build.js';

buildWebFront().then(
  (built) => process.stderr.write(`[build-web] web/dist: ${built.bundles} bundles, ${(built.javascriptBytes / 1024).toFixed(0)} KiB of JavaScript, in ${built.ms} ms\n`),
  (err: unknown) => {
    process.stderr.write(`[build-web] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
