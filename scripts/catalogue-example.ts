/**
 * Observations for the nightly catalogue example, generated around a reference time: one a day for
 * the last `days` days, `observations/<YYYY-MM-DD>/obs-<date>.json`, each a noisy signal with a few
 * peaks, a step and (on even days) a periodic component, for the recognition codes to find.
 */
import { seededRandom } from '../test/helpers/graphs';

export function observationFiles(reference: Date, days: number, seed = 7): Record<string, string> {
  const random = seededRandom(seed);
  const files: Record<string, string> = {};
  for (let ago = 0; ago < days; ago++) {
    const time = new Date(reference.getTime() - ago * 86_400_000);
    const day = time.toISOString().slice(0, 10);
    const obsId = `obs-${day.replaceAll('-', '')}`;
    const signal = Array.from({ length: 256 }, (_, i) => {
      const noise = (random() - 0.5) * 0.2;
      const step = i > 180 ? 2 : 0;
      const periodic = ago % 2 === 0 ? 0.8 * Math.sin((2 * Math.PI * i) / 16) : 0;
      const peak = i === 40 || i === 120 ? 6 : 0;
      return Math.round((noise + step + periodic + peak) * 1000) / 1000;
    });
    files[`${day}/${obsId}.json`] = JSON.stringify({ obs_id: obsId, time: time.toISOString(), signal });
  }
  return files;
}
