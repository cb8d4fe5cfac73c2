// Serving certificate read from files (cert-manager or a mounted Secret), reloaded when they change.
// Kubernetes updates a mounted Secret by swapping a symlink in the directory, so the directories
// are watched rather than the files; polling covers file systems where fs.watch reports nothing.
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { checkKeyPair, type TlsMaterial, type TlsSource } from './source.js';

export interface FileTlsSourceOptions {
  logger?: Logger;
  /** How often the files are re-read even without a watch event. */
  pollIntervalMs?: number;
  /** Wait after a change event so a certificate and key written one after the other are read together. */
  debounceMs?: number;
}

export class TlsLoadError extends Error {
  override readonly name = 'TlsLoadError';
}

export function fileTlsSource(
  certFile: string,
  keyFile: string,
  caFile?: string,
  options: FileTlsSourceOptions = {},
): TlsSource {
  const { logger } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 10_000;
  const debounceMs = options.debounceMs ?? 250;
  const names = { certFrom: certFile, keyFrom: keyFile };

  const read = (): TlsMaterial => ({
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
  });

  let material: TlsMaterial;
  try {
    material = read();
    const summary = checkKeyPair(material, names);
    logger?.info({ certFile, serialNumber: summary.serialNumber, validTo: summary.validTo }, 'TLS certificate loaded');
  } catch (err) {
    throw new TlsLoadError(`cannot load the TLS certificate: ${(err as Error).message}`);
  }

  const listeners: (() => void)[] = [];
  /** Last unusable content reported, so polling does not repeat the same complaint. */
  let lastRejected = '';
  let closed = false;

  const reload = (): void => {
    if (closed) return;
    let next: TlsMaterial;
    try {
      next = read();
    } catch (err) {
      // A file missing for a moment during a swap; the next event or poll retries.
      logger?.debug({ err: (err as Error).message }, 'TLS files not readable yet; keeping the current certificate');
      return;
    }
    if (next.cert === material.cert && next.key === material.key && next.ca === material.ca) return;
    const signature = `${next.cert}\u0000${next.key}`;
    let summary;
    try {
      summary = checkKeyPair(next, names);
    } catch (err) {
      if (signature !== lastRejected) {
        lastRejected = signature;
        logger?.warn({ certFile, keyFile, reason: (err as Error).message }, 'new TLS files are unusable; keeping the previous certificate');
      }
      return;
    }
    material = next;
    logger?.info({ certFile, serialNumber: summary.serialNumber, validTo: summary.validTo }, 'TLS certificate reloaded');
    for (const cb of listeners) {
      try {
        cb();
      } catch (err) {
        logger?.error({ err }, 'TLS change listener failed');
      }
    }
  };

  let debounce: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(reload, debounceMs);
    debounce.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set([certFile, keyFile, ...(caFile ? [caFile] : [])].map((f) => dirname(f)))) {
    try {
      const watcher = watch(dir, { persistent: false }, schedule);
      watcher.on('error', (err) => {
        logger?.debug({ dir, err: err.message }, 'watching TLS directory failed; relying on polling');
        watcher.close();
      });
      watchers.push(watcher);
    } catch (err) {
      logger?.debug({ dir, err: (err as Error).message }, 'cannot watch TLS directory; relying on polling');
    }
  }
  const poll = setInterval(reload, pollIntervalMs);
  poll.unref();

  return {
    current: () => material,
    onChange: (cb) => {
      listeners.push(cb);
    },
    close: () => {
      closed = true;
      clearTimeout(debounce);
      clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
