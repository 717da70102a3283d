// Object keys read from a test stack's filesystem store at any depth. ObjectStore.list(prefix) is
// one level only, and uploads are staged one prefix per submission (uploads/<turn>/<submission>/,
// chunk-uploads/<submission>/), so listing `uploads` itself would see nothing.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every object key under the prefix, at any depth, sorted. */
export async function keysUnder(stack: { dataDir: string }, prefix: string): Promise<string[]> {
  const root = path.join(stack.dataDir, 'objects');
  const keys: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(root, ...relative.split('/')), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const entry of entries) {
      const key = `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(key);
      else if (/^[0-9a-f]{64}$/.test(entry.name)) keys.push(key);
    }
  };
  await walk(prefix);
  return keys.sort();
}
