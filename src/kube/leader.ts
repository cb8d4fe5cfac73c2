// Leader election on a coordination.k8s.io/v1 Lease, for work one replica should do (the
// background audit). Follows client-go's scheme: the holder renews renewTime; another replica may
// take the lease once renewTime + leaseDurationSeconds has passed; stop() releases it (empty
// holder) so a successor need not wait for expiry. Updates carry the resourceVersion read, so two
// candidates cannot both win (the loser gets 409).
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeError, httpStatusOf } from './errors.js';

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease stays valid without renewal; default 15 s. */
  leaseDurationMs?: number;
  /** How often to renew or try to acquire; default 5 s. */
  renewMs?: number;
  logger?: Logger;
  /** The clock of renewTime and of expiry (epoch ms); tests inject one so expiry happens when they say. */
  now?: () => number;
}

export interface LeaderElector {
  start(): void;
  isLeader(): boolean;
  onChange(cb: (leader: boolean) => void): void;
  /** Stops campaigning and, when leading, releases the lease. */
  stop(): Promise<void>;
}

export function createLeaderElector(kubeConfig: KubeConfig, opts: LeaderElectorOptions): LeaderElector {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const leaseDurationMs = opts.leaseDurationMs ?? 15_000;
  const renewMs = opts.renewMs ?? 5_000;
  const { namespace, name, identity } = opts;
  const now = opts.now ?? Date.now;
  let leader = false;
  let lastRenewMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const listeners: ((leader: boolean) => void)[] = [];

  const setLeader = (value: boolean) => {
    if (value === leader) return;
    leader = value;
    opts.logger?.info({ lease: `${namespace}/${name}`, identity, leader: value }, value ? 'became leader' : 'no longer leader');
    for (const cb of listeners) cb(value);
  };

  const leaseSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));

  async function tryAcquireOrRenew(): Promise<void> {
    // MicroTime: the API server parses renewTime/acquireTime as RFC3339 with exactly 6 fraction
    // digits and answers 400 to a plain Date's 3; V1MicroTime serialises with 6.
    const stamp = new V1MicroTime(now());
    let lease: V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
    }
    if (!lease) {
      await api.createNamespacedLease({
        namespace,
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, acquireTime: stamp, renewTime: stamp, leaseTransitions: 0 } },
      });
      lastRenewMs = now();
      setLeader(true);
      return;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewedAt = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = renewedAt + (spec.leaseDurationSeconds ?? leaseSeconds) * 1000 < now();
    if (holder !== identity && holder !== '' && !expired) {
      setLeader(false);
      return;
    }
    const taking = holder !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds,
      renewTime: stamp,
      acquireTime: taking ? stamp : spec.acquireTime,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (taking ? 1 : 0),
    };
    await api.replaceNamespacedLease({ name, namespace, body: lease });
    lastRenewMs = now();
    setLeader(true);
  }

  let attempting = false;

  function tick(): void {
    // One attempt at a time: a slow one overlapping the next would make this replica's own writes
    // conflict (409, read as "another replica won") and stop() could not wait for it.
    if (attempting) return;
    attempting = true;
    inFlight = tryAcquireOrRenew()
      .catch((err: unknown) => {
        if (httpStatusOf(err) !== 409) opts.logger?.warn({ err: describeError(err), lease: `${namespace}/${name}` }, 'lease renewal failed');
        // A leader that cannot renew steps down before its lease could have passed to another.
        if (leader && (httpStatusOf(err) === 409 || now() - lastRenewMs >= leaseDurationMs - renewMs)) setLeader(false);
      })
      .finally(() => {
        attempting = false;
      });
  }

  return {
    start() {
      if (timer || stopped) return;
      tick();
      timer = setInterval(tick, renewMs);
      timer.unref();
    },
    isLeader: () => leader,
    onChange: (cb) => listeners.push(cb),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight;
      if (!leader) return;
      setLeader(false);
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity !== identity) return;
        lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime(now()) };
        await api.replaceNamespacedLease({ name, namespace, body: lease });
      } catch (err) {
        opts.logger?.warn({ err: describeError(err), lease: `${namespace}/${name}` }, 'could not release the lease; it will expire');
      }
    },
  };
}
