// Kubernetes Events on the objects the webhook judged (core/v1, so `kubectl describe` shows them).
// Recording is best effort: it never throws and never blocks an admission answer.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeError } from './errors.js';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export type EventType = 'Warning' | 'Normal';

export interface EventRecorderOptions {
  component: string;
  /** Reporting instance; default the pod's host name. */
  host?: string;
  /** The same event is not sent again within this window; default 10 minutes. */
  dedupeWindowMs?: number;
  /** Where events about cluster-scoped objects go (Kubernetes uses "default"). */
  clusterScopedNamespace?: string;
  logger?: Logger;
}

export interface EventRecorder {
  /** Resolves once the event is sent, skipped or failed; never rejects. */
  record(involved: InvolvedObject, type: EventType, reason: string, message: string): Promise<void>;
}

export const EVENT_MESSAGE_MAX_CHARS = 1024;

export function createEventRecorder(kubeConfig: KubeConfig, opts: EventRecorderOptions): EventRecorder {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const windowMs = opts.dedupeWindowMs ?? 10 * 60 * 1000;
  const host = opts.host ?? hostname();
  const sentAt = new Map<string, number>();

  return {
    async record(involved, type, reason, message) {
      const capped = message.length > EVENT_MESSAGE_MAX_CHARS ? `${message.slice(0, EVENT_MESSAGE_MAX_CHARS - 1)}…` : message;
      const key = JSON.stringify([involved.uid ?? '', involved.kind, involved.namespace ?? '', involved.name, type, reason, capped]);
      const now = Date.now();
      const last = sentAt.get(key);
      if (last !== undefined && now - last < windowMs) return;
      sentAt.set(key, now);
      if (sentAt.size > 5000) {
        for (const [k, t] of sentAt) if (now - t >= windowMs) sentAt.delete(k);
      }
      const namespace = involved.namespace ?? opts.clusterScopedNamespace ?? 'default';
      const time = new Date();
      const body: CoreV1Event = {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: `${involved.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: { apiVersion: involved.apiVersion, kind: involved.kind, namespace: involved.namespace, name: involved.name, uid: involved.uid },
        type, reason, message: capped,
        source: { component: opts.component, host },
        reportingComponent: opts.component, reportingInstance: host,
        firstTimestamp: time, lastTimestamp: time, count: 1,
      };
      try {
        await api.createNamespacedEvent({ namespace, body });
      } catch (err) {
        sentAt.delete(key);
        opts.logger?.warn({ err: describeError(err), reason, involved: `${involved.kind}/${involved.namespace ?? ''}/${involved.name}` }, 'could not record a Kubernetes event');
      }
    },
  };
}
