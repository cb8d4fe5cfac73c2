// Everything about one Vault server: its connection pool, circuit breaker, the webhook's token
// (login, renewal at ~2/3 of the TTL, re-login at max TTL or after an invalid-token 403), seal state,
// and sending a request within an admission's deadline with retries on connection errors only.
import type { Logger } from 'pino';
import type { VaultClientConfig, VaultServerConfig } from './config.js';
import { DEFAULT_HEALTH_INTERVAL_MS, DEFAULT_LOGIN_RETRY_MS, DEFAULT_RETRY } from './config.js';
import { CircuitBreaker } from './breaker.js';
import { login, renewSelf, type LoginOutcome, type VaultToken } from './login.js';
import type { VaultMetrics } from './metrics.js';
import { VaultTransport, type VaultHttpRequest, type VaultHttpResult } from './transport.js';
import { isInvalidTokenError, isSealedError } from './vault-errors.js';
import { flavourFromHealth } from './flavour.js';
import type { AclFlavour } from './acl/index.js';

export type CallOutcome =
  | VaultHttpResult
  | { kind: 'breaker_open'; detail: string }
  | { kind: 'login_failed'; detail: string };

export interface CallOptions {
  deadlineAtMs: number;
  /** Unauthenticated endpoints (sys/health) send no token. */
  authenticated?: boolean;
}

const RENEW_FRACTION = 2 / 3;
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
  private closed = false;
  readonly requestCounts = new Map<string, number>();

  constructor(
    readonly server: VaultServerConfig,
    private readonly config: VaultClientConfig,
    private readonly metrics: VaultMetrics,
    private readonly logger: Logger,
  ) {
    this.transport = new VaultTransport(server);
    this.breaker = new CircuitBreaker(config.breaker, (open) => {
      metrics.breakerOpen.set({ server: server.url }, open ? 1 : 0);
      if (open) this.logger.warn({ vaultServer: server.url }, 'Vault circuit breaker opened: lookups fail fast');
      else this.logger.info({ vaultServer: server.url }, 'Vault circuit breaker closed');
    });
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

  readiness(): { ready: boolean; reason?: string } {
    if (!this.token) return { ready: false, reason: `not logged in to ${this.server.url}: ${this.lastLoginError ?? 'login pending'}` };
    if (this.sealed !== false) return { ready: false, reason: `${this.server.url} is ${this.sealed ? 'sealed' : 'of unknown seal state'}` };
    return { ready: true };
  }

  async probeHealth(deadlineAtMs: number): Promise<void> {
    const result = await this.call('sys.health', { method: 'GET', path: 'sys/health' }, { deadlineAtMs, authenticated: false });
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
  async call(endpoint: string, req: Omit<VaultHttpRequest, 'token' | 'timeoutMs'>, opts: CallOptions): Promise<CallOutcome> {
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
      const result = await this.sendWithRetry(endpoint, { ...req, token, namespace: req.namespace ?? this.server.namespace }, opts.deadlineAtMs);
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
    for (let attempt = 0; ; attempt += 1) {
      const remainingMs = deadlineAtMs - Date.now();
      if (remainingMs <= 0) return { kind: 'timeout', detail: 'admission deadline reached before the request' };
      if (!this.breaker.tryAcquire()) return { kind: 'breaker_open', detail: `circuit breaker open for ${this.server.url} after repeated connection failures` };
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
      this.breaker.recordFailure();
      if (result.kind === 'timeout') return result;
      // Connection errors on idempotent requests: retry while budget and breaker allow.
      const idempotent = req.method === 'GET' || endpoint.endsWith('.login') || endpoint.endsWith('lookup-self');
      const backoffMs = retry.backoffMs * 2 ** attempt;
      if (!idempotent || attempt >= retry.maxRetries || deadlineAtMs - Date.now() <= backoffMs + 1) return result;
      await sleep(backoffMs);
    }
  }

  private count(endpoint: string): void {
    this.requestCounts.set(endpoint, (this.requestCounts.get(endpoint) ?? 0) + 1);
  }

  private sendRaw = (endpoint: string, req: Omit<VaultHttpRequest, 'timeoutMs'>, deadlineAtMs: number) =>
    this.sendWithRetry(endpoint, req, deadlineAtMs).then((r): VaultHttpResult =>
      r.kind === 'breaker_open' || r.kind === 'login_failed' ? { kind: 'connection', detail: r.detail } : r);

  /** One login at a time; concurrent callers share it. `background` arms a retry timer on failure. */
  private ensureLogin(deadlineAtMs: number, background: boolean): Promise<LoginOutcome> {
    if (!this.loginInFlight) {
      const send = (endpoint: string, req: Omit<VaultHttpRequest, 'timeoutMs'>) => this.sendRaw(endpoint, req, deadlineAtMs);
      this.loginInFlight = login(this.server.login, this.server.namespace, send)
        .then((outcome) => {
          if (outcome.ok) this.adoptToken(outcome.token, true);
          else {
            this.lastLoginError = outcome.detail;
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
      const renewed = await renewSelf(token.token, this.server.namespace, (e, r) => this.sendRaw(e, r, deadlineAtMs));
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
