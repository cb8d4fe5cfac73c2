// Vault round trips on the critical path of an admission, measured causally: the Vault double holds
// every answer and releases them in lockstep rounds, each once the webhook has gone quiet (it has
// sent every request it could send without a further answer). A request counts as after another
// only if it was issued because of an answer, however slow the CPU is; the number of rounds is the
// number of round trips. (Comparing timestamps instead counts a request that was merely issued late,
// under CPU load, as one more round trip.)
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { DoubleRequest, VaultDouble } from '../test/support/vault-double.js';

export interface CausalRounds {
  /** Lockstep rounds in which at least one request (other than sys/health) was answered. */
  rounds: number;
  /** The requests answered in each round (method and path). */
  byRound: string[][];
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `admission` with the double's answers held, releasing them round by round; sys/health
 * (the session's own timer) is answered at once and never counts.
 */
export async function causalRounds(double: VaultDouble, admission: () => Promise<unknown>): Promise<CausalRounds> {
  const held: { request: DoubleRequest; release: () => void }[] = [];
  double.setAnswerGate((request) => (request.path === '/v1/sys/health' ? Promise.resolve() : new Promise<void>((release) => held.push({ request, release }))));
  const wire = watchClientRequests(new URL(double.url).host, double);
  let done = false;
  const running = admission().finally(() => { done = true; });
  const byRound: string[][] = [];
  try {
    for (;;) {
      await quiet(double, wire);
      if (held.length === 0) {
        if (done) break;
        continue;
      }
      const batch = held.splice(0);
      byRound.push(batch.map((h) => `${h.request.method} ${h.request.path}`));
      for (const h of batch) h.release();
    }
    await running;
  } finally {
    wire.close();
    double.setAnswerGate(undefined);
    for (const h of held.splice(0)) h.release();
  }
  return { rounds: byRound.length, byRound };
}

interface ClientWire {
  /** Requests to the double the process has started, and answers from it it has received, since watched. */
  started: number;
  finished: number;
  /** The double's own counts when watching began. */
  receivedBefore: number;
  answeredBefore: number;
  close(): void;
}

const answered = (double: VaultDouble): number => double.requests.filter((r) => r.endedAtMs !== undefined).length;

/**
 * Counts the process's HTTP client requests to `host` when they are created (http.Agent's
 * addRequest runs in the request's constructor, before any connection exists; the
 * `http.client.request.start` channel fires only once the request is written, which for a new
 * connection is a connect later), and the answers from it it has received (diagnostics channel).
 */
function watchClientRequests(host: string, double: VaultDouble): ClientWire {
  const [hostname, port] = host.split(':');
  const proto = http.Agent.prototype as unknown as { addRequest(req: unknown, options: { host?: string; port?: number | string }): void };
  const addRequest = proto.addRequest;
  proto.addRequest = function (this: unknown, req: unknown, options: { host?: string; port?: number | string }) {
    if (options.host === hostname && String(options.port) === port) wire.started += 1;
    return addRequest.call(this, req, options);
  };
  const toDouble = (message: unknown): boolean => {
    const request = (message as { request?: { getHeader?(name: string): unknown } }).request;
    return String(request?.getHeader?.('host') ?? '') === host;
  };
  const wire: ClientWire = {
    started: 0,
    finished: 0,
    receivedBefore: double.requests.length,
    answeredBefore: answered(double),
    close: () => {
      proto.addRequest = addRequest;
      diagnostics.unsubscribe('http.client.response.finish', onFinish);
    },
  };
  const onFinish = (message: unknown) => { if (toDouble(message)) wire.finished += 1; };
  diagnostics.subscribe('http.client.response.finish', onFinish);
  return wire;
}

/**
 * Work handed to the operating system or the thread pool that may still make a request: a DNS
 * lookup, a connect, a file read (a request's options, a token file). Under CPU load these complete
 * late, and the request they lead to would be counted a round later.
 */
const PENDING_IO = new Set(['GetAddrInfoReqWrap', 'TCPConnectWrap', 'FSReqCallback', 'FileHandleCloseReq', 'FSReqPromise']);
const pendingIo = (): boolean => process.getActiveResourcesInfo().some((r) => PENDING_IO.has(r));

/**
 * Waits until every request the webhook started has reached the double, every answer the double
 * sent has been read by the webhook, and then nothing changes for 20 event-loop turns and at least
 * 10 ms: the webhook has sent every request it can send without a further answer. Loopback delivery
 * can lag under CPU load; counting both ends makes the wait last as long as it does.
 */
async function quiet(double: VaultDouble, wire: ClientWire): Promise<void> {
  const started = performance.now();
  const state = () => `${wire.started}/${wire.finished}/${double.requests.length}`;
  const settled = () => wire.started === double.requests.length - wire.receivedBefore && wire.finished === answered(double) - wire.answeredBefore;
  let seen = state();
  let still = 0;
  while (still < 20 || performance.now() - started < 20 || !settled() || pendingIo()) {
    await turn();
    const now = state();
    if (now === seen) still += 1;
    else {
      seen = now;
      still = 0;
    }
  }
}

/** Requests that repeat one already made (same method, path, query): what coalescing should prevent. */
export function duplicateRequests(requests: readonly DoubleRequest[]): { total: number; distinct: number; duplicates: number } {
  const keys = requests.map((r) => requestKey(r));
  const distinct = new Set(keys).size;
  return { total: keys.length, distinct, duplicates: keys.length - distinct };
}

export function requestKey(r: DoubleRequest): string {
  return `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`;
}
