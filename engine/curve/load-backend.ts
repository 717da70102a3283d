// Backend selection by name; each backend is created once per thread.
import { BACKEND_NAMES, type BackendName, type CurveBackend } from './backend.js';
import { createFastBackend } from './fast-backend.js';
import { createNobleBackend } from './noble-backend.js';
import { createWasmBackend } from './wasm-backend.js';

const creators: Record<BackendName, () => Promise<CurveBackend>> = {
  fast: createFastBackend,
  wasm: createWasmBackend,
  noble: () => Promise.resolve(createNobleBackend()),
};

const cache = new Map<BackendName, Promise<CurveBackend>>();

export function loadBackend(name: BackendName): Promise<CurveBackend> {
  let backend = cache.get(name);
  if (backend === undefined) {
    backend = creators[name]();
    cache.set(name, backend);
  }
  return backend;
}

export function isBackendName(value: string): value is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(value);
}
