import { createHash } from 'node:crypto';
import type { ObjectStore } from '../store/index.js';

export interface SmokeActivities {
  hashStoredObject(key: string): Promise<{ sha256: string; size: number }>;
}

export function createSmokeActivities(store: ObjectStore): SmokeActivities {
  return {
    async hashStoredObject(key: string) {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await store.get(key)) {
        const buf = chunk as Buffer;
        size += buf.length;
        hash.update(buf);
      }
      return { sha256: hash.digest('hex'), size };
    },
  };
}
