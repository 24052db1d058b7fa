/**
 * Live run changes from `orchestra up`'s server-sent events (`events/runs`): one EventSource shared by
 * every view. A deployed stack has no stream (API Gateway REST answers once); there the stream fails
 * once and views poll instead.
 */

import type { RunChange } from '../../lib/contract/run-changes';
import { isRecord } from './api';

export type { RunChange };

type Listener = (change: RunChange) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;
let open = false;

function parse(data: unknown): RunChange | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    if (!isRecord(value)) return undefined;
    const { type, pipeline, runId, time, status, step, percent } = value;
    if ((type !== 'run' && type !== 'step' && type !== 'progress') || typeof pipeline !== 'string' || typeof runId !== 'string' || typeof time !== 'string') return undefined;
    return {
      type,
      pipeline,
      runId,
      time,
      ...(typeof status === 'string' ? { status } : {}),
      ...(typeof step === 'string' ? { step } : {}),
      ...(typeof percent === 'number' ? { percent } : {}),
    };
  } catch {
    return undefined;
  }
}

function connect(): void {
  if (source !== undefined || typeof EventSource === 'undefined') return;
  source = new EventSource('events/runs');
  source.onopen = () => {
    open = true;
  };
  // A stream that never opened (no such route) is closed for good by the browser: views keep polling.
  source.onerror = () => {
    open = source?.readyState === EventSource.OPEN;
  };
  const deliver = (event: MessageEvent) => {
    const change = parse(event.data);
    if (change !== undefined) for (const listener of listeners) listener(change);
  };
  for (const type of ['run', 'step', 'progress']) source.addEventListener(type, deliver);
}

/** Calls `listener` with every run change from now on; returns how to stop. */
export function onRunChange(listener: Listener): () => void {
  connect();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether changes arrive live (else views poll every second). */
export const isLive = (): boolean => open;
