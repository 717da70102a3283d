// Backend selection by name; each backend is created once per thread.
import { BACKEND_NAMES, type BackendName, type CurveBackend } from './backend.js';
import { createNobleBackend } from './noble-backend.js';
import { createWasmBackend } from './wasm-backend.js';

const creators: Record<BackendName, () => Promise<CurveBackend>> = {
  fast: async () => (await import('./fast-backend.js')).createFastBackend(),
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

let native: Promise<boolean> | undefined;

/** True when the native blst addon loads here (always in the coordinator; optional in the client package). */
export function nativeBackendAvailable(): Promise<boolean> {
  native ??= import('@chainsafe/blst').then(
    () => true,
    () => false,
  );
  return native;
}

/** The backend to use when none is named: fast where blst loads, wasm (mcl alone) otherwise. */
export async function defaultBackend(): Promise<BackendName> {
  return (await nativeBackendAvailable()) ? 'fast' : 'wasm';
}
