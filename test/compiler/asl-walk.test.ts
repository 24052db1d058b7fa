import { describe, expect, it } from 'vitest';
import { type AnyState, isDistributedMap } from '../../lib/compiler/asl';

/** A Map as a parsed definition may hold it (the processor's config is not checked by the loose type). */
function map(processorConfig: unknown): AnyState {
  const processor = { StartAt: 'T', States: { T: { Type: 'Task', End: true } }, ProcessorConfig: processorConfig };
  return { Type: 'Map', ItemProcessor: processor };
}

describe('isDistributedMap', () => {
  it('is true only for a Map whose item processor runs in DISTRIBUTED mode, whatever else a parsed definition holds', () => {
    expect(isDistributedMap(map({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }))).toBe(true);
    expect(isDistributedMap(map({ Mode: 'INLINE' }))).toBe(false);
    expect(isDistributedMap(map('DISTRIBUTED'))).toBe(false);
    expect(isDistributedMap(map(null))).toBe(false);
    expect(isDistributedMap({ Type: 'Task', End: true })).toBe(false);
  });
});
