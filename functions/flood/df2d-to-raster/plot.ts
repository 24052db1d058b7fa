/**
 * The run's hydrographs and water volume as an SVG chart (two panels sharing the time axis). SVG is
 * text: no drawing library or native canvas in the Lambda bundle, and any browser or GIS report shows it.
 */
import type { PostSeries } from '../../../lib/formats/dassflow2d/post';

const WIDTH = 720;
const PANEL = 220;
const MARGIN = { left: 70, right: 20, top: 30, gap: 50, bottom: 40 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const xmlText = (text: string): string => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Round axis steps: 1, 2 or 5 × 10^k. */
function niceStep(span: number, ticks: number): number {
  const raw = span / ticks || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

function panel(series: readonly PostSeries[], top: number, title: string, unit: string, tMax: number): string {
  const values = series.flatMap((s) => s.points.map(([, v]) => v));
  const vMax = Math.max(1e-9, ...values);
  const vStep = niceStep(vMax, 4);
  const yTop = Math.ceil(vMax / vStep) * vStep;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const x = (t: number) => MARGIN.left + (t / tMax) * plotWidth;
  const y = (v: number) => top + PANEL - (v / yTop) * PANEL;
  const out = [`<text x="${MARGIN.left}" y="${top - 10}" font-size="14" font-weight="bold">${xmlText(title)}</text>`];
  for (let v = 0; v <= yTop + 1e-9; v += vStep)
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${Number(v.toPrecision(6))}</text>`,
    );
  out.push(`<text x="14" y="${top + PANEL / 2}" font-size="11" transform="rotate(-90 14 ${top + PANEL / 2})" text-anchor="middle">${xmlText(unit)}</text>`);
  series.forEach((s, i) => {
    const path = s.points.map(([t, v], k) => `${k === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"><title>${xmlText(s.name)}</title></path>`);
    out.push(`<text x="${WIDTH - MARGIN.right - 4}" y="${top + 14 + i * 14}" font-size="11" text-anchor="end" fill="${COLOURS[i % COLOURS.length]}">${xmlText(s.name)}</text>`);
  });
  return out.join('\n');
}

export function hydrographChart(title: string, discharges: readonly PostSeries[], volume: PostSeries | undefined): string {
  const all = [...discharges, ...(volume === undefined ? [] : [volume])];
  const tMax = Math.max(1, ...all.flatMap((s) => s.points.map(([t]) => t)));
  const height = MARGIN.top + PANEL * 2 + MARGIN.gap + MARGIN.bottom + 20;
  const second = MARGIN.top + PANEL + MARGIN.gap;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const tStep = niceStep(tMax / 60, 6) * 60;
  const ticks: string[] = [];
  for (let t = 0; t <= tMax + 1e-9; t += tStep) {
    const at = MARGIN.left + (t / tMax) * plotWidth;
    ticks.push(`<text x="${at.toFixed(1)}" y="${height - 24}" font-size="11" text-anchor="middle">${Number((t / 60).toPrecision(6))}</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" role="img" aria-label="${xmlText(title)}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(discharges, MARGIN.top + 10, `${title}: discharge at the boundaries`, 'm³/s', tMax),
    volume === undefined ? '' : panel([volume], second + 10, 'water volume in the domain', 'm³', tMax),
    ...ticks,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 6}" font-size="11" text-anchor="middle">time [min]</text>`,
    '</svg>',
    '',
  ].join('\n');
}
