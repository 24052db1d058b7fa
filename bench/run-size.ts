/**
 * Local runs at 1,000 / 5,000 / 10,000 steps: time, peak memory and the largest run state, each run
 * in its own process (bench/run-size-child.ts). The run state holds only the results still needed
 * (lib/compiler/state-layout.ts), so a chain's state stays flat and memory grows linearly.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

interface ChildResult {
  readonly status: string;
  readonly steps: number;
  readonly runMs: number;
  readonly maxRssKiB: number;
  readonly largestStateBytes: number | null;
  readonly historyEvents: number | null;
}

const SIZES = [1000, 5000, 10_000] as const;
const SHAPES = [
  ['chain', 'chain'],
  ['diamonds', 'diamonds (fork → 50 → join, repeated)'],
  ['layers', 'layers 50 wide, 1–3 inputs from the layer before'],
] as const;

function runChild(shape: string, steps: number): ChildResult {
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const text = execFileSync(tsx, [join(import.meta.dirname, 'run-size-child.ts'), shape, String(steps)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(text.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

export function runSizeTable(): void {
  console.log('\n## Local runs by size: one run each, 100-byte step results (S3 URIs), simulate steps of 0 ms (own process; peak RSS includes Node and the runtime)\n');
  console.log('| graph | steps | status | run s | ms per step | peak RSS MiB | KiB per step | largest state KiB | history events |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [shape, label] of SHAPES) {
    for (const steps of SIZES) {
      const r = runChild(shape, steps);
      const mib = r.maxRssKiB / 1024;
      console.log(
        `| ${label} | ${steps.toLocaleString('en')} | ${r.status} | ${(r.runMs / 1000).toFixed(1)} | ${(r.runMs / steps).toFixed(2)} | ${mib.toFixed(0)} | ${(r.maxRssKiB / steps).toFixed(0)} | ${((r.largestStateBytes ?? 0) / 1024).toFixed(1)} | ${(r.historyEvents ?? 0).toLocaleString('en')} |`,
      );
    }
  }
}
