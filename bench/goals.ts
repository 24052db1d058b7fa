/**
 * The headline figures of a bench run, each beside its goal (issue 34's table): sections record them
 * as they measure, and the run ends with one table of them — or, with `--json`, prints them as JSON
 * on stdout (the sections' own tables then go to stderr).
 */

export interface Goal {
  /** The figure must be at most (`max`) or at least (`min`) this. */
  readonly max?: number;
  readonly min?: number;
}

export interface Figure {
  readonly section: string;
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly goal?: Goal;
  /** What the figure was measured beside (a raw engine, `node -e 0`), when it is a ratio. */
  readonly detail?: string;
}

const figures: Figure[] = [];

export function recordFigure(figure: Figure): void {
  figures.push(figure);
}

const metOf = (figure: Figure): boolean | undefined => {
  const { goal, value } = figure;
  if (goal === undefined) return undefined;
  return (goal.max === undefined || value <= goal.max) && (goal.min === undefined || value >= goal.min);
};

const goalText = (goal: Goal | undefined, unit: string): string =>
  goal === undefined ? '—' : [goal.max === undefined ? '' : `≤ ${goal.max} ${unit}`, goal.min === undefined ? '' : `≥ ${goal.min} ${unit}`].filter(Boolean).join(', ');

const valueText = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));

export function printGoals(): void {
  if (figures.length === 0) return;
  console.log('\n## Figures and their goals (this run)\n');
  console.log('| section | measure | now | goal | met |');
  console.log('|---|---|---|---|---|');
  for (const figure of figures) {
    const met = metOf(figure);
    console.log(
      `| ${figure.section} | ${figure.measure}${figure.detail === undefined ? '' : ` (${figure.detail})`} | ${valueText(figure.value)} ${figure.unit} | ${goalText(figure.goal, figure.unit)} | ${met === undefined ? '' : met ? 'yes' : '**no**'} |`,
    );
  }
}

export function goalsAsJson(): string {
  return JSON.stringify(
    {
      machine: { node: process.version, cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? null },
      figures: figures.map((figure) => ({ ...figure, met: metOf(figure) ?? null })),
    },
    null,
    2,
  );
}
