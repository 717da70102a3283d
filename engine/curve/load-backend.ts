// Backend selection by name; each backend is created once per thread.
import type { BackendName, CurveBackend } from './backend.js';
import { createFastBackend } from './fast-backend.js';
import { createNobleBackend } from './noble-backend.js';

const cache = new Map<BackendName, Promise<CurveBackend>>();

export function loadBackend(name: BackendName): Promise<CurveBackend> {
  let backend = cache.get(name);
  if (backend === undefined) {
    backend = name === 'fast' ? createFastBackend() : Promise.resolve(createNobleBackend());
    cache.set(name, backend);
  }
  return backend;
}

export function isBackendName(value: string): value is BackendName {
  return value === 'fast' || value === 'noble';
}
