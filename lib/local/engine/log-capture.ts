/**
 * In-process Lambda handlers write to stdout like they do on Lambda, where CloudWatch collects it.
 * Here the output of each invocation is routed to its run's log instead of the terminal: stdout and
 * stderr writes made inside `captureOutput` (tracked through async continuations) go to the sink.
 * Powertools' Logger writes through its own Console bound to process.stdout, so it is caught too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type LogSink = (stream: 'stdout' | 'stderr', text: string) => void;

const current = new AsyncLocalStorage<LogSink>();
let installed = false;
let inSink = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const stream of ['stdout', 'stderr'] as const) {
    const target = process[stream];
    const original = target.write.bind(target) as (...args: unknown[]) => boolean;
    target.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      const sink = current.getStore();
      // A sink that itself prints (orchestra invoke shows the step's lines as they come) prints for real.
      if (sink === undefined || inSink) return original(chunk, ...rest);
      inSink = true;
      try {
        sink(stream, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      } finally {
        inSink = false;
      }
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof target.write;
  }
}

export function captureOutput<T>(sink: LogSink, fn: () => Promise<T>): Promise<T> {
  install();
  return current.run(sink, fn);
}

/** A step's output, which arrives in chunks, as whole lines: `write` hands on each complete line, `flush` what is left unterminated. */
export function lineSplitter(onLine: (stream: 'stdout' | 'stderr', line: string) => void): { readonly write: LogSink; flush(): void } {
  const partial = { stdout: '', stderr: '' };
  return {
    write(stream, text) {
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) onLine(stream, line);
    },
    flush() {
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = partial[stream];
        partial[stream] = '';
        if (rest !== '') onLine(stream, rest);
      }
    },
  };
}
