// Everything about one Vault server: its connection pool, circuit breaker, the webhook's token
// (login, renewal at ~2/3 of the TTL, re-login at max TTL or after an invalid-token 403), seal state,
// and sending a request within an admission's deadline with retries on connection errors only.
import type { Logger } from 'pino';
import type { VaultClientConfig, VaultServerConfig } from './config.js';
import { DEFAULT_HEALTH_INTERVAL_MS, DEFAULT_LOGIN_RETRY_MS, DEFAULT_RETRY } from './config.js';
import { CircuitBreaker } from './breaker.js';
import { backoffDelayMs, sleep } from '../retry/backoff.js';
import { login, renewSelf, type LoginOutcome, type Send, type VaultToken } from './login.js';
import type { VaultMetrics } from './metrics.js';
import { buildVaultRequest, checkedNamespace, InvalidVaultNameError, type VaultEndpoint } from './request-path.js';
import { VaultTransport, type VaultHttpRequest, type VaultHttpResult } from './transport.js';
import { isInvalidTokenError, isSealedError } from './vault-errors.js';
import { flavourFromHealth } from './flavour.js';
import type { AclFlavour } from './acl/index.js';

export type CallOutcome =
  | VaultHttpResult
  | { kind: 'breaker_open'; detail: string }
  | { kind: 'login_failed'; detail: string }
  /** A name Vault could not hold: nothing was sent. */
  | { kind: 'refused'; detail: string };

/** Why the last login failed: Vault not reached at all, Vault refusing the credential, or anything else. */
export interface LoginFailure {
  kind: 'unreachable' | 'refused' | 'other';
  detail: string;
}

export interface CallOptions {
  deadlineAtMs: number;
  /** Unauthenticated endpoints (sys/health) send no token. */
  authenticated?: boolean;
  /** Vault Enterprise namespace (the server's own when absent). */
  namespace?: string;
}

/** What login.ts and the session hand to the transport: a built request without token or timeout. */
export type SessionRequest = Omit<VaultHttpRequest, 'token' | 'timeoutMs'> & { token?: string };

/** Builds an endpoint's request (request-path.ts); a name Vault could not hold gives `refused`. */
export function sessionRequest(endpoint: VaultEndpoint, namespace: string | undefined, body?: Record<string, unknown>):
  { ok: true; endpoint: string; request: SessionRequest } | { ok: false; detail: string } {
  try {
    const built = buildVaultRequest(endpoint);
    const ns = checkedNamespace(namespace);
    return {
      ok: true,
      endpoint: built.endpoint,
      request: { method: built.method, encodedPath: built.encodedPath, ...(built.query ? { query: built.query } : {}), ...(body ? { body } : {}), ...(ns ? { namespace: ns } : {}) },
    };
  } catch (err) {
    if (err instanceof InvalidVaultNameError) return { ok: false, detail: `not sent: ${err.message}` };
    throw err;
  }
}

const RENEW_FRACTION = 2 / 3;
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;


export class VaultServerSession {
  private readonly transport: VaultTransport;
  private readonly breaker: CircuitBreaker;
  private token: VaultToken | undefined;
  private loginTtlSeconds = 0;
  private loginInFlight: Promise<LoginOutcome> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private loginRetryTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  /** From sys/health; Vault's rules until the server has said otherwise. */
  flavour: AclFlavour = 'vault';
  private sealed: boolean | undefined;
  private lastLoginError: string | undefined;
  private lastLoginFailure: LoginFailure | undefined;
  private breakerOpen = false;
  private closed = false;
  readonly requestCounts = new Map<string, number>();

  constructor(
    readonly server: VaultServerConfig,
    private readonly config: VaultClientConfig,
    private readonly metrics: VaultMetrics,
    private readonly logger: Logger,
    now: () => number = Date.now,
  ) {
    this.transport = new VaultTransport(server);
    this.breaker = new CircuitBreaker(config.breaker, (open) => {
      this.breakerOpen = open;
      metrics.breakerOpen.set({ server: server.url }, open ? 1 : 0);
      if (open) this.logger.warn({ vaultServer: server.url }, 'Vault circuit breaker opened: lookups fail fast');
      else this.logger.info({ vaultServer: server.url }, 'Vault circuit breaker closed');
    }, now);
    metrics.breakerOpen.set({ server: server.url }, 0);
  }

  /** First login and seal probe; never throws (readiness reports the problem, a retry runs in the background). */
  async start(): Promise<void> {
    const deadlineAtMs = Date.now() + this.config.requestTimeoutMs * 2;
    await Promise.all([this.ensureLogin(deadlineAtMs, true), this.probeHealth(deadlineAtMs)]);
    const intervalMs = this.config.healthIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS;
    if (intervalMs > 0 && !this.closed) {
      this.healthTimer = setInterval(() => {
        void this.probeHealth(Date.now() + this.config.requestTimeoutMs);
      }, intervalMs);
      this.healthTimer.unref();
    }
  }

  /** Undefined while logged in (or before the first attempt); else why the last login failed. */
  loginFailure(): LoginFailure | undefined {
    return this.token ? undefined : this.lastLoginFailure;
  }

  readiness(): { ready: boolean; reason?: string } {
    if (!this.token) return { ready: false, reason: `not logged in to ${this.server.url}: ${this.lastLoginError ?? 'login pending'}` };
    if (this.sealed !== false) return { ready: false, reason: `${this.server.url} is ${this.sealed ? 'sealed' : 'of unknown seal state'}` };
    if (this.breakerOpen) return { ready: false, reason: `${this.server.url} is unreachable (circuit breaker open after repeated connection failures)` };
    return { ready: true };
  }

  async probeHealth(deadlineAtMs: number): Promise<void> {
    const result = await this.call({ family: 'sys.health' }, { deadlineAtMs, authenticated: false });
    if (result.kind === 'answer') {
      const body = result.body as { sealed?: unknown; initialized?: unknown } | null;
      if (body && typeof body.sealed === 'boolean') this.sealed = body.sealed || body.initialized === false;
      const flavour = flavourFromHealth(body);
      if (flavour && flavour !== this.flavour) {
        this.flavour = flavour;
        this.logger.info({ vaultServer: this.server.url, flavour, version: (body as { version?: unknown } | null)?.version }, `Vault API server is ${flavour === 'openbao' ? 'OpenBao' : 'HashiCorp Vault'}: ACL checks follow its rules`);
      }
    }
  }

  /** Sends a request with the webhook's token; retries connection errors within the budget; re-logs in once on an invalid token. */
  async call(target: VaultEndpoint, opts: CallOptions): Promise<CallOutcome> {
    const built = sessionRequest(target, opts.namespace ?? this.server.namespace);
    if (!built.ok) return { kind: 'refused', detail: built.detail };
    const { endpoint, request: req } = built;
    const authenticated = opts.authenticated !== false;
    let reloggedIn = false;
    for (;;) {
      let token: string | undefined;
      if (authenticated) {
        if (!this.token) {
          const outcome = await this.ensureLogin(opts.deadlineAtMs, false);
          if (!outcome.ok) return outcome.result && outcome.result.kind !== 'answer' ? outcome.result : { kind: 'login_failed', detail: outcome.detail };
        }
        token = this.token?.token;
      }
      const result = await this.sendWithRetry(endpoint, { ...req, ...(token ? { token } : {}) }, opts.deadlineAtMs);
      if (result.kind !== 'answer') return result;
      if (isSealedError(result.status, result.body)) this.sealed = true;
      else if (result.status < 500) this.sealed = false;
      if (authenticated && !reloggedIn && isInvalidTokenError(result.status, result.body)) {
        this.logger.warn({ vaultServer: this.server.url, endpoint }, 'Vault rejected the webhook token as invalid; logging in again');
        if (this.token?.token === token) this.dropToken();
        reloggedIn = true;
        continue;
      }
      return result;
    }
  }

  private async sendWithRetry(endpoint: string, req: Omit<VaultHttpRequest, 'timeoutMs'>, deadlineAtMs: number): Promise<CallOutcome> {
    const retry = this.config.retry ?? DEFAULT_RETRY;
    let previous: VaultHttpResult | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const remainingMs = deadlineAtMs - Date.now();
      if (remainingMs <= 0) return previous ?? { kind: 'timeout', detail: 'admission deadline reached before the request' };
      if (!this.breaker.tryAcquire()) {
        // A retry the breaker stops reports the failure that opened it, not the breaker.
        return previous ?? { kind: 'breaker_open', detail: `circuit breaker open for ${this.server.url}${this.server.address && this.server.address !== this.server.url ? ` (at ${this.server.address})` : ''} after repeated connection failures` };
      }
      const timeoutMs = Math.min(this.config.requestTimeoutMs, remainingMs);
      const endTimer = this.metrics.requestDuration.startTimer({ endpoint });
      const result = await sendBefore(this.transport, { ...req, timeoutMs }, deadlineAtMs);
      endTimer();
      this.count(endpoint);
      this.metrics.requests.inc({ endpoint, code: result.kind === 'answer' ? String(result.status) : result.kind });
      if (result.kind === 'answer') {
        this.breaker.recordSuccess();
        return result;
      }
      if (result.kind === 'timeout' && timeoutMs < this.config.requestTimeoutMs) {
        // Cut short by the admission's own deadline, not Vault's fault: the breaker does not count it.
        this.breaker.recordNeutral();
        return result;
      }
      this.breaker.recordFailure();
      if (result.kind === 'timeout') return result;
      // Connection errors on idempotent requests: retry while budget and breaker allow.
      const idempotent = req.method === 'GET' || endpoint.endsWith('.login') || endpoint.endsWith('lookup-self');
      const backoffMs = backoffDelayMs(attempt, { initialMs: retry.backoffMs, maxMs: Number.POSITIVE_INFINITY });
      if (!idempotent || attempt >= retry.maxRetries || deadlineAtMs - Date.now() <= backoffMs + 1) return result;
      previous = result;
      await sleep(backoffMs);
    }
  }

  private count(endpoint: string): void {
    this.requestCounts.set(endpoint, (this.requestCounts.get(endpoint) ?? 0) + 1);
  }

  /** Login-side sends (login.ts): built like every request, with the token login.ts gives. */
  private sendRaw = (target: VaultEndpoint, extra: { token?: string; body?: Record<string, unknown> }, deadlineAtMs: number): Promise<VaultHttpResult> => {
    const built = sessionRequest(target, this.server.namespace, extra.body);
    if (!built.ok) return Promise.resolve({ kind: 'connection', detail: built.detail });
    const req = { ...built.request, ...(extra.token ? { token: extra.token } : {}) };
    return this.sendWithRetry(built.endpoint, req, deadlineAtMs).then((r): VaultHttpResult =>
      r.kind === 'breaker_open' || r.kind === 'login_failed' || r.kind === 'refused' ? { kind: 'connection', detail: r.detail } : r);
  };

  /** One login at a time; concurrent callers share it. `background` arms a retry timer on failure. */
  private ensureLogin(deadlineAtMs: number, background: boolean): Promise<LoginOutcome> {
    if (!this.loginInFlight) {
      const send: Send = (target, extra) => this.sendRaw(target, extra, deadlineAtMs);
      this.loginInFlight = login(this.server.login, send)
        .then((outcome) => {
          if (outcome.ok) this.adoptToken(outcome.token, true);
          else {
            this.lastLoginError = outcome.detail;
            this.lastLoginFailure = loginFailure(outcome);
            this.logger.warn({ vaultServer: this.server.url, reason: outcome.detail }, 'Vault login failed');
          }
          return outcome;
        })
        .finally(() => { this.loginInFlight = undefined; });
    }
    const running = this.loginInFlight;
    if (background) {
      void running.then((outcome) => { if (!outcome.ok) this.scheduleLoginRetry(); });
    }
    return running;
  }

  private scheduleLoginRetry(): void {
    if (this.closed || this.loginRetryTimer) return;
    this.loginRetryTimer = setTimeout(() => {
      this.loginRetryTimer = undefined;
      if (!this.token) void this.ensureLogin(Date.now() + this.config.requestTimeoutMs, true);
    }, this.config.loginRetryMs ?? DEFAULT_LOGIN_RETRY_MS);
    this.loginRetryTimer.unref();
  }

  private adoptToken(token: VaultToken, fromLogin: boolean): void {
    this.token = token;
    this.lastLoginError = undefined;
    this.lastLoginFailure = undefined;
    if (fromLogin) this.loginTtlSeconds = token.ttlSeconds;
    this.scheduleRenewal();
  }

  private dropToken(): void {
    this.token = undefined;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    const token = this.token;
    if (this.closed || !token || token.ttlSeconds <= 0) return; // non-expiring token
    // setTimeout fires at once for delays beyond 2^31-1 ms (~24.8 days): cap long TTLs.
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(100, token.ttlSeconds * 1000 * RENEW_FRACTION));
    // A renewal that came back shorter than the login TTL hit the max TTL: log in again instead.
    const atMaxTtl = token.ttlSeconds < this.loginTtlSeconds;
    this.renewTimer = setTimeout(() => { void this.refresh(token, !token.renewable || atMaxTtl); }, delayMs);
    this.renewTimer.unref();
  }

  private async refresh(token: VaultToken, relogin: boolean): Promise<void> {
    if (this.closed || this.token !== token) return;
    const deadlineAtMs = Date.now() + this.config.requestTimeoutMs;
    if (!relogin) {
      const renewed = await renewSelf(token.token, (target, extra) => this.sendRaw(target, extra, deadlineAtMs));
      // A renewal granting no more time means the max TTL is reached: log in again.
      if (renewed.ok && this.token === token && renewed.token.ttlSeconds > 0) {
        this.adoptToken({ ...renewed.token, token: token.token }, false);
        return;
      }
      this.logger.info({ vaultServer: this.server.url, reason: renewed.ok ? 'token replaced' : renewed.detail }, 'Vault token renewal failed; logging in again');
    }
    if (this.token !== token) return;
    const outcome = await this.ensureLogin(deadlineAtMs, true);
    if (!outcome.ok) this.dropToken();
  }

  close(): void {
    this.closed = true;
    this.dropToken();
    if (this.loginRetryTimer) clearTimeout(this.loginRetryTimer);
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.transport.close();
  }
}

/** Guarantees an answer by the deadline even if the socket does not honour its timeout. */
function sendBefore(transport: VaultTransport, req: VaultHttpRequest, deadlineAtMs: number): Promise<VaultHttpResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout', detail: 'admission deadline reached' }), Math.max(0, deadlineAtMs - Date.now()) + 5);
    transport.send(req).then((r) => { clearTimeout(timer); resolve(r); }, (err: unknown) => {
      clearTimeout(timer);
      resolve({ kind: 'connection', detail: err instanceof Error ? err.message : 'request failed' });
    });
  });
}

function loginFailure(outcome: Extract<LoginOutcome, { ok: false }>): LoginFailure {
  const result = outcome.result;
  if (result && result.kind !== 'answer') return { kind: 'unreachable', detail: outcome.detail };
  if (result && (result.status === 400 || result.status === 401 || result.status === 403)) return { kind: 'refused', detail: outcome.detail };
  return { kind: 'other', detail: outcome.detail };
}
