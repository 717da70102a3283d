// Worker bootstrap: registers the TypeScript loader (tsx) in this thread, so the
// pool works the same under bin/ceremony, vitest and plain node.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
