// autocannon ships no types; this declares the part of its API the benchmarks use.
declare module 'autocannon' {
  interface Stats { average: number; total: number; p50: number; p99: number; max: number }
  interface Result { requests: Stats; latency: Stats; non2xx: number; errors: number; timeouts: number }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    connections?: number;
    duration?: number;
    amount?: number;
    overallRate?: number;
    timeout?: number;
    requests?: { method?: string; body?: string; onResponse?: (status: number, body: string) => void }[];
  }
  export default function autocannon(options: Options): Promise<Result>;
}
