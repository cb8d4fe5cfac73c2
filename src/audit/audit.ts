// The background audit: while this replica holds the audit Lease, it lists every ExternalSecret,
// ClusterExternalSecret, PushSecret, ClusterPushSecret and store, re-runs the admission checks on them at a bounded rate, and reports drift (Events, the
// findings gauge, GET /report). A replica that is not the leader does nothing and reports nothing.
import type { KubeConfig } from '@kubernetes/client-node';
import type { TokenReviewAccess } from '../checks/token-review-access.js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Finding } from '../checks/finding.js';
import type { EventRecorder } from '../kube/events.js';
import { describeError } from '../kube/errors.js';
import type { LeaderElector } from '../kube/leader.js';
import type { KubeState } from '../kube/state.js';
import { createClusterStoreLookup } from '../kube/store-lookup.js';
import type { RawKubeObject } from '../kube/types.js';
import { buildReport, type Report } from '../report/report.js';
import type { VaultFacts } from '../vault/facts.js';
import type { TemplateSourceLookup } from '../checks/template-sources.js';
import { auditedKind, checkOne, type AuditedObject } from './check-one.js';
import { EventLedger } from './event-ledger.js';
import { listAuditedObjects } from './list.js';
import { createAuditMetrics } from './metrics.js';
import { Pacer } from './pacer.js';
import { ParseCache } from './parse-cache.js';
import { currentFindings, emitEvents, setFindingsGauge } from './publish.js';
import type { TemplateDelimiters } from '../eso/go-template.js';
import type { ExistingObjectLookup } from '../checks/existing-objects.js';

export interface AuditOptions {
  kubeConfig: KubeConfig;
  state: KubeState;
  facts: VaultFacts;
  events: EventRecorder;
  leader: LeaderElector;
  registry: Registry;
  logger: Logger;
  controllerServiceAccount: { name: string; namespace: string };
  defaultAudiences: string[];
  /** Whether a ServiceAccount may create tokenreviews (client-JWT mode); shared with admission's answers. */
  tokenReviews?: TokenReviewAccess;
  /** Pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Rate limit: objects whose check starts per second (see pacer.ts for why objects, not requests). */
  objectsPerSecond: number;
  deadlineMsPerObject: number;
  /** Where templateFrom ConfigMaps are read (absent: not read). */
  templateSources?: TemplateSourceLookup;
  /** ESO's template delimiters; absent: Go's defaults. */
  templateDelimiters?: TemplateDelimiters;
  /** Where a ClusterPushSecret's PushSecret is looked up (absent: not looked up). */
  existingObjects?: ExistingObjectLookup;
  /** A finding still present is announced again by an Event after this long; default 1 hour. */
  eventReemitMs?: number;
  /** Retry delay while the informers have not listed stores yet; default min(intervalMs, 5 s). */
  notReadyRetryMs?: number;
}

export interface Audit {
  /** Starts auditing whenever this replica is (or becomes) the Lease leader. */
  start(): void;
  /** The latest complete pass; undefined before the first or while this replica is not the leader. */
  report(): Report | undefined;
  /**
   * Runs one pass now, whatever the leadership (tests, manual runs); joins a pass already running.
   * Rejects when the informers have not synced or the ExternalSecrets cannot be listed.
   */
  runOnce(): Promise<Report>;
  /** Stops the schedule and aborts a running pass. The leader elector is left to its owner. */
  close(): Promise<void>;
}

export class AuditNotReadyError extends Error {
  constructor() {
    super('the informers have not listed stores and namespaces yet; the audit waits for them (a missing store would otherwise look deleted)');
    this.name = 'AuditNotReadyError';
  }
}

const DEFAULT_REEMIT_MS = 60 * 60 * 1000;

export function createAudit(opts: AuditOptions): Audit {
  const { state, leader, logger } = opts;
  const metrics = createAuditMetrics(opts.registry);
  const lookup = createClusterStoreLookup(state, { controllerServiceAccount: opts.controllerServiceAccount });
  const ledger = new EventLedger(opts.eventReemitMs ?? DEFAULT_REEMIT_MS);
  const parseCache = new ParseCache();
  const notReadyRetryMs = opts.notReadyRetryMs ?? Math.min(opts.intervalMs, 5_000);
  let previous = new Map<string, Finding[]>();
  let latest: Report | undefined;
  let running: { promise: Promise<Report>; abort: AbortController } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let closed = false;
  const loggedErrors = new WeakSet<object>();

  async function checkAll(objects: RawKubeObject[], signal: AbortSignal): Promise<AuditedObject[]> {
    const pacer = new Pacer(opts.objectsPerSecond);
    const deps = {
      facts: opts.facts, lookup, defaultAudiences: opts.defaultAudiences, deadlineMsPerObject: opts.deadlineMsPerObject,
      ...(opts.tokenReviews ? { tokenReviews: opts.tokenReviews } : {}),
      ...(opts.templateSources ? { templateSources: opts.templateSources } : {}),
      ...(opts.templateDelimiters ? { templateDelimiters: opts.templateDelimiters } : {}),
      ...(opts.existingObjects ? { existingObjects: opts.existingObjects } : {}),
    };
    const audited: AuditedObject[] = [];
    try {
      for (const raw of objects) {
        const kind = auditedKind(parseCache.parse(raw));
        if (kind === undefined) continue;
        await pacer.next(signal);
        audited.push(await checkOne(raw, kind, deps));
      }
    } finally {
      parseCache.endPass();
    }
    return audited;
  }

  async function pass(signal: AbortSignal): Promise<Report> {
    if (!state.hasSynced()) throw new AuditNotReadyError();
    const startedMs = Date.now();
    let listed;
    try {
      listed = await listAuditedObjects(opts.kubeConfig, state);
    } catch (err) {
      metrics.passes.inc({ result: 'failed' });
      logger.warn({ err: describeError(err) }, 'audit pass failed: could not list ExternalSecrets');
      if (typeof err === 'object' && err !== null) loggedErrors.add(err);
      throw err;
    }
    let audited: AuditedObject[];
    try {
      audited = await checkAll([...listed.externalSecrets, ...listed.others, ...listed.stores], signal);
      signal.throwIfAborted();
    } catch (err) {
      metrics.passes.inc({ result: 'aborted' });
      throw err;
    }
    const incomplete = audited.filter((a) => !a.complete);
    for (const a of incomplete) {
      metrics.couldNotCheck.inc({ kind: a.involved.kind });
      logger.debug({ kind: a.involved.kind, namespace: a.involved.namespace, name: a.involved.name, reasons: a.result.couldNotCheck.map((c) => c.reason) }, 'audit could not fully check an object');
    }
    if (incomplete.length > 0) {
      // One line per pass, not per object: with Vault down every object fails the same way.
      const reasons = [...new Set(incomplete.flatMap((a) => a.result.couldNotCheck.map((c) => c.reason)))];
      logger.warn(
        { objects: incomplete.length, reasons: reasons.slice(0, 5), moreReasons: Math.max(0, reasons.length - 5) },
        'audit could not fully check some objects; their last known findings stand and no Event is emitted for what was not checked',
      );
    }
    const current = currentFindings(audited, previous);
    const eventsSent = await emitEvents(audited, current, ledger, opts.events);
    // Leadership lost while the Events went out: the new leader owns the gauge and the report.
    if (signal.aborted) {
      metrics.passes.inc({ result: 'aborted' });
      signal.throwIfAborted();
    }
    setFindingsGauge(metrics, audited, current);
    previous = current;
    const report = buildReport(audited.map((a) => ({ result: a.result })));
    latest = report;
    const endedMs = Date.now();
    metrics.passes.inc({ result: 'complete' });
    metrics.lastPassTimestampSeconds.set(endedMs / 1000);
    metrics.lastPassDurationSeconds.set((endedMs - startedMs) / 1000);
    metrics.objectsChecked.set(audited.length);
    logger.info(
      { objects: audited.length, couldNotCheck: incomplete.length, ...report.summary, eventsSent, durationMs: endedMs - startedMs, esoVersion: listed.version },
      'audit pass complete',
    );
    return report;
  }

  function runOnce(): Promise<Report> {
    if (closed) return Promise.reject(new Error('the audit is closed'));
    if (running) return running.promise;
    const abort = new AbortController();
    const promise = pass(abort.signal).finally(() => {
      running = undefined;
    });
    running = { promise, abort };
    return promise;
  }

  function schedule(delayMs: number): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || !started) return;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    if (closed || !leader.isLeader()) return; // becoming leader schedules the next pass
    runOnce().then(
      () => schedule(opts.intervalMs),
      (err: unknown) => {
        if (err instanceof AuditNotReadyError) {
          logger.debug('audit waits for the informers to sync');
          schedule(notReadyRetryMs);
        } else if (!(err instanceof Error && err.name === 'AbortError')) {
          if (!loggedErrors.has(err as object)) logger.warn({ err: describeError(err) }, 'audit pass failed');
          schedule(opts.intervalMs);
        }
      },
    );
  }

  function stepDown(): void {
    // Another replica audits now: this one stops, says nothing and exports no stale findings.
    running?.abort.abort();
    if (timer) clearTimeout(timer);
    timer = undefined;
    latest = undefined;
    metrics.findings.reset();
  }

  leader.onChange((isLeader) => {
    if (closed || !started) return;
    if (isLeader) schedule(0);
    else stepDown();
  });

  return {
    start() {
      if (started || closed) return;
      started = true;
      if (leader.isLeader()) schedule(0);
    },
    report: () => (leader.isLeader() ? latest : undefined),
    runOnce,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const current = running;
      current?.abort.abort();
      await current?.promise.catch(() => undefined);
    },
  };
}
