import cliProgress from 'cli-progress';

/** Benchmark plumbing: seeded random numbers, interleaved timing, percentiles, a results table. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Stats {
  p50: number;
  p95: number;
  n: number;
}
export const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), n: s.length };
};

/**
 * Runs `a` and `b` alternately (after `warmup` rounds of each), so drift of a noisy machine
 * affects both alike; returns their latency statistics in milliseconds.
 */
export async function interleaved(
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
  rounds: number,
  warmup = Math.min(50, Math.ceil(rounds / 5)),
): Promise<{ a: Stats; b: Stats }> {
  for (let i = 0; i < warmup; i++) {
    await a(i);
    await b(i);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const first = i % 2 === 0;
    for (const which of first ? ['a', 'b'] : ['b', 'a']) {
      const t0 = performance.now();
      await (which === 'a' ? a(i + warmup) : b(i + warmup));
      (which === 'a' ? ta : tb).push(performance.now() - t0);
    }
  }
  return { a: stats(ta), b: stats(tb) };
}

/** Runs `workers` loops of `op` for `seconds`; returns operations per second. */
export async function throughput(
  workers: number,
  seconds: number,
  op: (worker: number, i: number) => Promise<unknown>,
): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        await op(w, i);
        done++;
      }
    }),
  );
  return done / seconds;
}

export interface ResultRow {
  id: string;
  what: string;
  measured: string;
  baseline: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
  extra?: Record<string, unknown>;
}

export function fmtMs(s: Stats): string {
  return `p50 ${s.p50.toFixed(3)} ms, p95 ${s.p95.toFixed(3)} ms`;
}

export function table(rows: ResultRow[]): string {
  const head = '| id | what | measured | compared with | ratio | target | met |';
  const sep = '| --- | --- | --- | --- | --- | --- | --- |';
  const body = rows.map(
    (r) =>
      `| ${r.id} | ${r.what} | ${r.measured} | ${r.baseline} | ${r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met === null ? 'reported' : r.met ? 'yes' : '**no**'} |`,
  );
  return [head, sep, ...body].join('\n');
}

/** A progress bar on stderr (cli-progress) for slow loads and index builds. */
export function progressBar(label: string, total: number): { tick(done: number): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${label} [{bar}] {percentage}% {value}/{total}`,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (done) => bar.update(done), stop: () => bar.stop() };
}
