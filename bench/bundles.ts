/** Size of every deployed function's bundle, built as `cdk synth` builds it (lib/cdk/step-bundles.ts). */
import { join } from 'node:path';
import { loadCatalogue } from '../lib/catalogue';
import { functionEntriesOf } from '../lib/cdk/function-entries';
import { BUNDLE_BUDGET_BYTES, measureBundle } from '../lib/cdk/step-bundles';
import { recordFigure } from './goals';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export async function bundleTable(): Promise<void> {
  const root = join(import.meta.dirname, '..');
  const entries = functionEntriesOf(loadCatalogue(root));
  console.log(`\n## Lambda bundles (esbuild, minified, AWS SDK external; budget ${kb(BUNDLE_BUDGET_BYTES)} each)\n`);
  console.log('| function | bundle | share of budget | largest packages |');
  console.log('|---|---|---|---|');
  for (const { label, entry } of entries) {
    const report = await measureBundle(entry);
    const largest =
      report.packages
        .slice(0, 3)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(', ') || '—';
    console.log(`| ${label} | ${kb(report.bytes)} | ${((100 * report.bytes) / BUNDLE_BUDGET_BYTES).toFixed(0)}% | ${largest} |`);
    // Example handlers are named <pipeline>/<step>; Orchestra's own functions by their name alone.
    const own = !label.includes('/');
    recordFigure({
      section: 'bundles',
      measure: `${label} bundle`,
      value: report.bytes / 1024,
      unit: 'KB',
      goal: { max: own ? 100 : 300 },
      ...(largest === '—' ? {} : { detail: largest }),
    });
  }
}
