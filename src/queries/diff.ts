/**
 * Revision diffs, bounded in time and memory. jsondiffpatch's array diff (LCS) and the line
 * diff are quadratic and synchronous: two 4,000-element arrays blocked the event loop for
 * seconds, ~70 KB of JSON exhausted a 256 MB heap. So a diff runs in a worker thread with a
 * heap limit (`limits.diffHeapMb`) and a deadline (`limits.diffMs`), after a size check
 * (`limits.diffBytes`); what exceeds a limit is a `LimitError` naming it, and the process and
 * its event loop carry on. Workers are kept (two at most, unref'd) so a small diff costs a
 * message round trip, not a thread start.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Limits } from '../settings.js';
import { LimitError } from './errors.js';

export interface DiffOutput {
  /** jsondiffpatch delta of the JSON content (undefined when equal). */
  delta: unknown;
  /** The same change as RFC 6902 JSON Patch operations. */
  patch: { op: string; path: string; value?: unknown; from?: string }[];
  textDiff: string;
  textStats: { added: number; removed: number };
}

const require = createRequire(import.meta.url);
const url = (specifier: string) => pathToFileURL(require.resolve(specifier)).href;
let moduleUrls: { jdp: string; jsonpatch: string; diff: string } | undefined;

/* The worker: plain JavaScript (it is not transpiled), libraries imported by resolved URL. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const libs = Promise.all([import(workerData.jdp), import(workerData.jsonpatch), import(workerData.diff)]);
parentPort.on('message', async (task) => {
  try {
    const [jdp, jp, df] = await libs;
    const d = df.diffLines ? df : df.default;
    const differ = (jdp.create ? jdp : jdp.default).create({
      // array items with an id are matched by it, others by position; null and scalars too
      objectHash: (obj, index) =>
        obj !== null && typeof obj === 'object' && (typeof obj.id === 'string' || typeof obj.id === 'number')
          ? String(obj.id)
          : '$$index:' + index,
    });
    const delta = differ.diff(task.a, task.b);
    let added = 0, removed = 0;
    if (task.textA !== task.textB) {
      for (const part of d.diffLines(task.textA, task.textB)) {
        if (part.added) added += part.count || 0;
        if (part.removed) removed += part.count || 0;
      }
    }
    parentPort.postMessage({
      ok: true,
      result: {
        delta,
        patch: delta ? (jp.format ? jp : jp.default).format(delta) : [],
        textDiff: task.textA === task.textB ? '' : d.createTwoFilesPatch(task.nameA, task.nameB, task.textA, task.textB),
        textStats: { added, removed },
      },
    });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) });
  }
});
`;

const idle = new Map<number, Worker[]>();
const KEEP_IDLE = 2;

function take(heapMb: number): Worker {
  const w = idle.get(heapMb)?.pop();
  if (w) return w;
  moduleUrls ??= { jdp: url('jsondiffpatch'), jsonpatch: url('jsondiffpatch/formatters/jsonpatch'), diff: url('diff') };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: moduleUrls,
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(64, heapMb) },
  });
  // a worker may still report (out of memory, exit) after its task was abandoned: an 'error'
  // event without a listener would be an uncaught exception in the service's process
  worker.on('error', () => {});
  worker.unref();
  return worker;
}

function give(heapMb: number, w: Worker): void {
  const list = idle.get(heapMb) ?? [];
  if (list.length >= KEEP_IDLE) void w.terminate();
  else {
    list.push(w);
    idle.set(heapMb, list);
  }
}

/** Bytes of a value as JSON, or Infinity when it cannot be serialised. */
const jsonBytes = (v: unknown) => {
  try {
    return (JSON.stringify(v) ?? '').length;
  } catch {
    return Infinity;
  }
};

/** Diffs two revisions' content and markdown within `limits`. */
export async function boundedDiff(
  input: { a: unknown; b: unknown; textA: string; textB: string; nameA: string; nameB: string },
  limits: Limits,
): Promise<DiffOutput> {
  for (const [side, bytes] of [
    ['from', jsonBytes(input.a) + input.textA.length],
    ['to', jsonBytes(input.b) + input.textB.length],
  ] as const) {
    if (bytes > limits.diffBytes)
      throw new LimitError(
        `the ${side} revision is ${bytes} bytes of content, over limits.diffBytes (${limits.diffBytes})`,
        'limits.diffBytes',
        bytes,
      );
  }
  const worker = take(limits.diffHeapMb);
  worker.ref();
  return new Promise<DiffOutput>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      worker.unref();
      if (keep) give(limits.diffHeapMb, worker);
      else void worker.terminate().catch(() => {});
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(
          () =>
            reject(
              new LimitError(`the diff took longer than limits.diffMs (${limits.diffMs} ms): abandoned`, 'limits.diffMs', limits.diffMs),
            ),
          false,
        ),
      limits.diffMs,
    );
    const onMessage = (m: { ok: boolean; result?: DiffOutput; error?: string }) =>
      finish(() => (m.ok ? resolve(m.result!) : reject(new Error(`diff failed: ${m.error}`))), m.ok);
    const onError = (err: Error & { code?: string }) =>
      finish(
        () =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new LimitError(`the diff needed more than limits.diffHeapMb (${limits.diffHeapMb} MB)`, 'limits.diffHeapMb', limits.diffHeapMb, { cause: err })
              : err,
          ),
        false,
      );
    const onExit = () => finish(() => reject(new Error('the diff worker exited')), false);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(input);
  });
}
