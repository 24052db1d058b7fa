/**
 * On Lambda each function has a process, so `process.env` is that function's environment: an SDK
 * client a handler builds itself (`new S3Client()`) reads its role's credentials, region and endpoint
 * there. Locally in-process handlers share one process; this makes `process.env`, read inside an
 * invocation, the process's environment with that invocation's settings over it (its step's key pair,
 * the embedded S3's endpoint, its function's settings); outside any invocation, and for writes, it is
 * the process's own. Installed once per process by the first in-process invocation; a proxy rather
 * than a library because nothing else scopes `process.env` per async context.
 */
import { invocationOverlay } from '../../contract/environment';

declare global {
  var __orchestraProcessEnv: boolean | undefined;
}

const overlaid = (name: string | symbol): string | undefined => {
  const overlay = invocationOverlay();
  return overlay !== undefined && typeof name === 'string' && Object.hasOwn(overlay, name) ? overlay[name] : undefined;
};

export function scopeProcessEnvToInvocations(): void {
  if (globalThis.__orchestraProcessEnv === true) return;
  globalThis.__orchestraProcessEnv = true;
  const own = process.env;
  process.env = new Proxy(own, {
    get: (target, name) => overlaid(name) ?? Reflect.get(target, name),
    // Writes go to the process's own environment, as before (its receiver, not the proxy).
    set: (target, name, value) => Reflect.set(target, name, value),
    has: (target, name) => overlaid(name) !== undefined || Reflect.has(target, name),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Object.keys(invocationOverlay() ?? {})])],
    getOwnPropertyDescriptor: (target, name) => {
      const value = overlaid(name);
      return value === undefined ? Reflect.getOwnPropertyDescriptor(target, name) : { value, writable: true, enumerable: true, configurable: true };
    },
  });
}
