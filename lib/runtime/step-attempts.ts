/**
 * Each attempt of each Task state of a run, from its history: when it was scheduled and ended, how it
 * ended, and — for a container task on AWS — the image digest that ran. A run's crate gives every
 * attempt its own action (lib/runtime/provenance); the step outcomes (./execution-history.ts) keep
 * only a step's sum.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { isJsonRecord, parseStoredJson } from '../shared/json';
import { attemptEventOf, EXECUTION_ENDED, historyWalker, taskStateFinder } from './execution-history';

export interface StepAttempt {
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  readonly error?: string;
  readonly cause?: string;
  /** ecs:runTask.sync's answer names the digest of the image its container ran (AWS only: local containers are processes). */
  readonly imageDigest?: string;
}

type Draft = { -readonly [K in keyof StepAttempt]: StepAttempt[K] };

/** The digest of the task's "step" container (or its only one), from a task description as ecs:runTask.sync answers or fails with. */
function imageDigestIn(text: string | undefined): string | undefined {
  if (text === undefined || !text.trimStart().startsWith('{')) return undefined;
  let task: unknown;
  try {
    task = parseStoredJson(text);
  } catch {
    return undefined; // a cause cut at Step Functions' 32 KiB
  }
  const containers = isJsonRecord(task) && Array.isArray(task['Containers']) ? task['Containers'].filter(isJsonRecord) : [];
  const container = containers.find((c) => c['Name'] === 'step') ?? (containers.length === 1 ? containers[0] : undefined);
  const digest = container?.['ImageDigest'];
  return typeof digest === 'string' ? digest : undefined;
}

/** Attempts by Task state name, in the order they were scheduled. */
export function stepAttemptsFrom(events: readonly HistoryEvent[]): Record<string, StepAttempt[]> {
  const stateOf = taskStateFinder(events);
  const back = historyWalker(events);
  const byScheduledEvent = new Map<number | undefined, Draft>();
  const attempts: Record<string, Draft[]> = {};
  const running = new Set<Draft>();
  for (const event of events) {
    const type = event.type ?? '';
    const time = event.timestamp?.toISOString();
    if (EXECUTION_ENDED.has(type)) {
      // The run ended during these attempts: they stopped with it.
      for (const attempt of running) Object.assign(attempt, { status: 'ABORTED', ...(time === undefined ? {} : { stoppedAt: time }) });
      running.clear();
      continue;
    }
    const happened = attemptEventOf(event);
    if (happened === undefined) continue;
    if (happened.kind === 'scheduled') {
      const name = stateOf(event);
      if (name === undefined) continue;
      const attempt: Draft = { status: 'RUNNING', ...(time === undefined ? {} : { startedAt: time }) };
      (attempts[name] ??= []).push(attempt);
      byScheduledEvent.set(event.id, attempt);
      running.add(attempt);
      continue;
    }
    // The attempt an end belongs to: the scheduled event its chain of previous events passes first.
    let attempt: Draft | undefined;
    for (const earlier of back(event))
      if (attemptEventOf(earlier)?.kind === 'scheduled') {
        attempt = byScheduledEvent.get(earlier.id);
        break;
      }
    if (attempt === undefined) continue;
    running.delete(attempt);
    if (time !== undefined) attempt.stoppedAt = time;
    const ecs = event.taskSucceededEventDetails?.resourceType === 'ecs' || event.taskFailedEventDetails?.resourceType === 'ecs';
    const digest = ecs ? imageDigestIn(event.taskSucceededEventDetails?.output ?? event.taskFailedEventDetails?.cause) : undefined;
    if (digest !== undefined) attempt.imageDigest = digest;
    if (happened.kind === 'succeeded') attempt.status = 'SUCCEEDED';
    else
      Object.assign(attempt, {
        status: 'FAILED',
        ...(happened.error === undefined ? {} : { error: happened.error }),
        ...(happened.cause === undefined ? {} : { cause: happened.cause }),
      });
  }
  return attempts;
}
