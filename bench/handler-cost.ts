// CPU cost of the checks alone: the admission handlers called in-process (no HTTP, no TLS, no
// fastify) on warm-cache AdmissionReviews, per kind. With the server's cost per request (echo and
// server-layer runs) it splits the webhook's cost per admission into transport, server and checks.
import type { AdmissionHandlers } from '../src/server/admission-types.js';
import { decodeAdmissionReview } from '../src/server/review-schema.js';

export interface HandlerCost {
  /** Microseconds of CPU per validate call, by the object's kind. */
  usPerAdmission: Record<string, number>;
  iterations: number;
}

/** Warm-up before measuring: 1 s of CPU per kind by default (the smoke test of the harness uses less). */
const DEFAULT_WARM_UP_CPU_MS = 1_000;
const ROUNDS = 5;

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

export async function measureHandlerCost(handlers: AdmissionHandlers, bodies: string[], iterations: number, warmUpCpuMs = DEFAULT_WARM_UP_CPU_MS): Promise<HandlerCost> {
  const byKind = new Map<string, ReturnType<typeof decodeRequest>[]>();
  for (const body of bodies) {
    const request = decodeRequest(body);
    byKind.set(request.kind.kind, [...(byKind.get(request.kind.kind) ?? []), request]);
  }
  const ctx = () => ({ deadlineAtMs: Date.now() + 10_000, signal: new AbortController().signal });
  const usPerAdmission: Record<string, number> = {};
  for (const [kind, requests] of byKind) {
    // Warm-up (JIT tiers, inline caches) before measuring: a serving webhook runs optimised code, and
    // V8 reaches its top tier only after some thousands of calls (a few hundred ms of CPU here).
    // The CPU clock is read every 64 calls, not every call: a read (a system call) per call made
    // process.cpuUsage a tenth of the checks' profile (bench:profile -- checks), though outside the
    // measured rounds. The warm-up is still at least warmUpCpuMs of CPU.
    const warmUntil = cpuUs() + warmUpCpuMs * 1_000;
    for (let i = 0; i < requests.length || i % 64 !== 0 || cpuUs() < warmUntil; i++) await handlers.validate(requests[i % requests.length]!, ctx());
    // CPU time, not wall time: on a shared machine other processes' load then only slows, not adds.
    // The median of a few rounds, so one round with a major GC or a deoptimisation does not decide.
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = cpuUs();
      for (let i = 0; i < iterations; i++) await handlers.validate(requests[i % requests.length]!, ctx());
      rounds.push((cpuUs() - started) / iterations);
    }
    rounds.sort((a, b) => a - b);
    usPerAdmission[kind] = Math.round(rounds[Math.floor(ROUNDS / 2)]!);
  }
  return { usPerAdmission, iterations };
}

function decodeRequest(body: string) {
  const decoded = decodeAdmissionReview(JSON.parse(body));
  if (!decoded.ok) throw new Error(`bench body is not an AdmissionReview: ${decoded.error}`);
  return decoded.request;
}
