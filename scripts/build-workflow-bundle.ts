// Prebuilds the workflow bundle the workflow workers load (runtime/workflow-bundle.ts); `npm run
// setup` and the image build run it.
//   npx tsx scripts/build-workflow-bundle.ts
import { prebuildWorkflowBundle, PREBUILT_DIR } from '../runtime/workflow-bundle.js';

const began = Date.now();
prebuildWorkflowBundle().then(
  ({ bytes }) => process.stderr.write(`[workflow-bundle] ${PREBUILT_DIR}: ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - began} ms\n`),
  (err: unknown) => {
    process.stderr.write(`[workflow-bundle] ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
