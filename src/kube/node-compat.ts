// @kubernetes/client-node 2.x loads undici 8, which requires Node ≥ 22.19: at load time it reads
// zlib.createZstdDecompress and worker_threads.markAsUncloneable, absent on Node 20, and throws.
// The container image runs Node 24 where this file does nothing; on Node 20 (development, CI) it
// supplies the two names: undici offers zstd in Accept-Encoding, but the API server compresses
// with gzip only (APIResponseCompression), so the stub decoder is never reached; and
// markAsUncloneable only guards structuredClone of undici's own objects.
// Import this module before '@kubernetes/client-node' in every file that uses the client.
import zlib from 'node:zlib';
import workerThreads from 'node:worker_threads';

const zlibModule = zlib as unknown as Record<string, unknown>;
if (typeof zlibModule.createZstdDecompress !== 'function') {
  zlibModule.createZstdDecompress = () => {
    throw new Error('zstd decompression needs Node ≥ 22.15');
  };
}
const workerModule = workerThreads as unknown as Record<string, unknown>;
if (typeof workerModule.markAsUncloneable !== 'function') {
  workerModule.markAsUncloneable = () => {};
}



// undici 8 also calls Promise.withResolvers (ES2024, Node ≥ 22).
const promiseCtor = Promise as unknown as Record<string, unknown>;
if (typeof promiseCtor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
export const NODE_COMPAT_APPLIED = true;
