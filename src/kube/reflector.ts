// A list+watch cache of one resource type.
//
// Why not the client's own makeInformer/ListWatch: in @kubernetes/client-node 2.0.1 its ListWatch
// stops for good after any watch error other than 410 or a client timeout (the caller must call
// start() again), has no periodic resync and no "initial list done" signal. This loop keeps the
// client's `Watch` (real HTTP streaming) and adds: reconnect with backoff after any failure, relist
// on 410 Gone (HTTP status or ERROR event), periodic relist, and hasSynced().
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffOptions } from '../retry/backoff.js';
import { describeError, httpStatusOf } from './errors.js';
import type { ObjectList, RawKubeObject } from './types.js';

export interface ReflectorOptions {
  /** For logs: e.g. "secretstores.external-secrets.io/v1". */
  name: string;
  kubeConfig: KubeConfig;
  /** Lists every object; rejects with the client's error (a 404 makes `onNotFound` run). */
  list: () => Promise<ObjectList>;
  /** The collection path to watch, e.g. /apis/external-secrets.io/v1/secretstores. Read before each watch. */
  watchPath: () => string;
  resyncMs: number;
  /** The server closes each watch after this long, so a silent half-open connection cannot stall the cache. */
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  logger: Logger;
  /** apiVersion and kind to put on list items, which the API server sends without them. */
  typeMeta?: () => { apiVersion: string; kind: string };
  /** Called when a list answers 404 (the served version changed); the next attempt lists again. */
  onNotFound?: () => void;
}

type WatchEnd = { kind: 'closed' } | { kind: 'gone' } | { kind: 'error'; err: unknown } | { kind: 'resync' };

const QUICK_CLOSE_MS = 1000;

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

export class Reflector {
  private objects = new Map<string, RawKubeObject>();
  private resourceVersion = '';
  private synced = false;
  private readonly stopper = new AbortController();
  private currentWatch: AbortController | undefined;
  private endCurrentWatch: ((end: WatchEnd) => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private resyncDue = false;
  private readonly backoff: Backoff;
  private running: Promise<void> | undefined;
  private readonly watch: Watch;

  constructor(private readonly opts: ReflectorOptions) {
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF);
    this.watch = new Watch(opts.kubeConfig);
  }

  start(): void {
    if (this.running) return;
    this.running = this.loop();
    this.resyncTimer = setInterval(() => {
      this.resyncDue = true;
      this.endCurrentWatch?.({ kind: 'resync' });
    }, this.opts.resyncMs);
    this.resyncTimer.unref();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(namespace: string | undefined, name: string): RawKubeObject | undefined {
    return this.objects.get(keyOf(namespace, name));
  }

  list(): RawKubeObject[] {
    return [...this.objects.values()];
  }

  async close(): Promise<void> {
    this.stopper.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.endCurrentWatch?.({ kind: 'closed' });
    await this.running;
  }

  private async loop(): Promise<void> {
    const { logger, name } = this.opts;
    while (!this.stopper.signal.aborted) {
      try {
        if (this.resourceVersion === '' || this.resyncDue) {
          this.resyncDue = false;
          await this.relist();
        }
        if (this.stopper.signal.aborted) break;
        const startedAtMs = Date.now();
        const end = await this.watchOnce();
        if (this.stopper.signal.aborted) break;
        if (end.kind === 'closed' && Date.now() - startedAtMs < QUICK_CLOSE_MS) {
          // A stream that ends at once (a proxy, an overloaded server) must not become a tight loop.
          await sleep(this.backoff.nextDelayMs(), this.stopper.signal);
        }
        if (end.kind === 'gone') {
          logger.info({ resource: name }, 'watch answered 410 Gone; listing again');
          this.resourceVersion = '';
        } else if (end.kind === 'error') {
          throw end.err;
        }
        // 'closed' (server ended the stream) and 'resync': go round again at once.
      } catch (err) {
        if (this.stopper.signal.aborted) break;
        const status = httpStatusOf(err);
        if (status === 410) {
          this.resourceVersion = '';
          continue;
        }
        if (status === 404) {
          // The collection is gone (ESO's served version changed): list again, which re-detects.
          this.resourceVersion = '';
          this.opts.onNotFound?.();
        }
        const delayMs = this.backoff.nextDelayMs();
        logger.warn({ resource: name, err: describeError(err), retryInMs: delayMs }, 'list/watch failed; retrying');
        await sleep(delayMs, this.stopper.signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.opts.list();
    const next = new Map<string, RawKubeObject>();
    const typeMeta = this.opts.typeMeta?.();
    for (const item of list.items ?? []) {
      if (typeMeta) {
        item.apiVersion ??= typeMeta.apiVersion;
        item.kind ??= typeMeta.kind;
      }
      const name = item.metadata?.name;
      if (name) next.set(keyOf(item.metadata?.namespace, name), item);
    }
    this.objects = next;
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    if (!this.synced) this.opts.logger.info({ resource: this.opts.name, objects: next.size }, 'initial list done');
    this.synced = true;
    this.backoff.reset();
  }

  private watchOnce(): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      let ended = false;
      const finish = (end: WatchEnd) => {
        if (ended) return;
        ended = true;
        this.stopper.signal.removeEventListener('abort', onStop);
        this.endCurrentWatch = undefined;
        this.currentWatch?.abort();
        this.currentWatch = undefined;
        resolve(end);
      };
      this.endCurrentWatch = finish;
      // close() may come while the request is being set up; the abort listener ends it either way.
      const onStop = () => finish({ kind: 'closed' });
      if (this.stopper.signal.aborted) return onStop();
      this.stopper.signal.addEventListener('abort', onStop, { once: true });
      const onEvent = (phase: string, obj: RawKubeObject & { code?: number }) => {
        if (phase === 'ERROR') {
          finish(obj.code === 410 ? { kind: 'gone' } : { kind: 'error', err: Object.assign(new Error(`watch ERROR event: ${String((obj as { message?: unknown }).message ?? '')}`), { code: obj.code }) });
          return;
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (phase === 'BOOKMARK') return;
        const name = obj.metadata?.name;
        if (!name) return;
        const key = keyOf(obj.metadata?.namespace, name);
        if (phase === 'DELETED') this.objects.delete(key);
        else if (phase === 'ADDED' || phase === 'MODIFIED') this.objects.set(key, obj);
        this.backoff.reset();
      };
      const onDone = (err: unknown) => {
        if (!err) return finish({ kind: 'closed' });
        if (httpStatusOf(err) === 410) return finish({ kind: 'gone' });
        // The Watch helper aborts quiet streams after 30 s; reconnecting from the same version is right.
        if ((err as { name?: string }).name === 'TimeoutError') return finish({ kind: 'closed' });
        finish({ kind: 'error', err });
      };
      this.watch
        .watch(
          this.opts.watchPath(),
          { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.opts.watchTimeoutSeconds ?? 240 },
          onEvent,
          onDone,
        )
        .then(
          (controller) => {
            if (ended) controller.abort();
            else this.currentWatch = controller;
          },
          (err: unknown) => finish({ kind: 'error', err }),
        );
    });
  }
}
