/** The nightly catalogue's pure pieces: which keys are observations, the window, reading one (bad files refused with the key and the fix), and what the codes find. */
import { describe, expect, it } from 'vitest';
import { inWindow, observationKey, parseObservation, recognise, windowOf } from '../../lib/formats/catalogue/observations';
import { validateGraphText } from '../../lib/graph';
import { ROOT } from '../helpers/root';

describe('observations', () => {
  it('names the day and id of observation keys only', () => {
    expect(observationKey('observations/2026-11-20/obs-1.json')).toEqual({ day: '2026-11-20', obsId: 'obs-1' });
    expect(observationKey('observations/2026-11-20/notes.txt')).toBeUndefined();
    expect(observationKey('observations/latest/obs-1.json')).toBeUndefined();
    expect(observationKey('observations/2026-11-20/../x/obs-1.json')).toBeUndefined();
  });

  it('takes whole UTC days from 60 to 1 days before the scheduled time, both ends included', () => {
    const window = windowOf(new Date('2026-12-03T01:00:00Z'), 60, 1);
    expect(window).toEqual({ from: '2026-10-04', to: '2026-12-02' });
    expect([inWindow('2026-10-04', window), inWindow('2026-12-02', window), inWindow('2026-12-03', window), inWindow('2026-10-03', window)]).toEqual([true, true, false, false]);
  });

  it.each([
    ['not JSON', '{"obs_id": ', 'k.json: not JSON'],
    ['a string signal', '{"obs_id": "o", "time": "t", "signal": "1,2"}', 'k.json: expected {"obs_id": string'],
    ['a non-finite sample', '{"obs_id": "o", "time": "t", "signal": [1, null]}', 'k.json: expected {"obs_id": string'],
    ['a prototype-named field only', '{"__proto__": {"obs_id": "o", "time": "t", "signal": [1]}}', 'k.json: expected {"obs_id": string'],
    ['an array', '[1, 2]', 'k.json: expected {"obs_id": string'],
  ])('refuses %s, naming the key and the shape expected', (_name, text, message) => {
    expect(() => parseObservation('k.json', text)).toThrow(message);
  });

  it('finds the peaks, the step and the period it was given', () => {
    const signal = Array.from({ length: 256 }, (_, i) => (i > 180 ? 2 : 0) + (i === 40 ? 6 : 0) + 0.8 * Math.sin((2 * Math.PI * i) / 16));
    expect(recognise('peaks', signal).values).toEqual([40]);
    const step = Array.from({ length: 256 }, (_, i) => (i > 180 ? 2 : 0) + 0.01 * Math.sin(i));
    expect(recognise('edges', step).values).toEqual([181]);
    const periodic = Array.from({ length: 256 }, (_, i) => Math.sin((2 * Math.PI * i) / 16));
    expect(recognise('periodicity', periodic).values).toEqual([16]);
  });
});

describe("a Lambda step's tables", () => {
  it.each(['Catalogue', 'constructor!', 'x'.repeat(41), '9rows'])('refuses the table name %j with the rule', (name) => {
    const graph = { name: 'p', steps: { s: { kind: 'simulate', tables: [name] } } };
    const lambda = { name: 'p', steps: { s: { kind: 'lambda', handler: 'functions/simulate-step/index.ts', tables: [name] } } };
    expect((validateGraphText(JSON.stringify(graph), { rootDir: ROOT }).issues ?? []).some((i) => i.path === 'steps.s.tables')).toBe(true);
    expect((validateGraphText(JSON.stringify(lambda), { rootDir: ROOT }).issues ?? []).map((i) => i.message).join('\n')).toContain(
      'a table name: lower-case letters, digits and "-"',
    );
  });
});
