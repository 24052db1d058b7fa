/**
 * The flood run's report (report.html in this step's folder, which the console shows): the flood map
 * and the hydrographs on one page, with the figures a hydrologist checks first. Self-contained — the
 * images are data: URIs — because the console shows it in a sandboxed frame from a presigned URL,
 * where relative links to the step's other files would not be signed.
 */
export interface FloodReport {
  readonly caseName: string;
  readonly runId: string;
  readonly floodMapPng: Uint8Array;
  readonly hydrographsSvg: string;
  readonly deepestM: number;
  readonly snapshots: number;
  readonly simulated: string;
  readonly volumeBalance?: { readonly inflowM3: number; readonly outflowM3: number; readonly finalVolumeM3: number; readonly relativeError: number };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const m3 = (value: number): string => `${Math.round(value).toLocaleString('en-US')} m³`;

export function floodReportHtml(report: FloodReport): string {
  const png = Buffer.from(report.floodMapPng).toString('base64');
  const svg = Buffer.from(report.hydrographsSvg, 'utf8').toString('base64');
  const balance = report.volumeBalance;
  const rows = [
    ['Deepest water', `${report.deepestM.toFixed(2)} m`],
    ['Simulated', report.simulated],
    ['Snapshots', String(report.snapshots)],
    ...(balance === undefined
      ? []
      : [
          ['Inflow', m3(balance.inflowM3)],
          ['Outflow', m3(balance.outflowM3)],
          ['Stored at the end', m3(balance.finalVolumeM3)],
          ['Volume balance error', `${(balance.relativeError * 100).toFixed(2)} %`],
        ]),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flood report: ${escapeHtml(report.caseName)}</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:1rem;color:#222}img{max-width:100%}table{border-collapse:collapse}td{padding:.2rem .8rem .2rem 0}</style></head>
<body><h1>Flood report: ${escapeHtml(report.caseName)}</h1>
<p>Run ${escapeHtml(report.runId)}</p>
<table>${rows.map(([name, value]) => `<tr><td>${escapeHtml(name ?? '')}</td><td>${escapeHtml(value ?? '')}</td></tr>`).join('')}</table>
<h2>Maximum water depth</h2><img alt="Flood map" src="data:image/png;base64,${png}">
<h2>Boundary discharges and stored volume</h2><img alt="Hydrographs" src="data:image/svg+xml;base64,${svg}">
</body></html>
`;
}
