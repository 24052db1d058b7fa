/**
 * Grace windows and expiries in AWS: a one-time EventBridge Scheduler schedule per (pipeline, key,
 * time) that invokes the conductor with `{"check": {"pipeline", "key"}}` and deletes itself. The name
 * is derived from those three, so a second request for the same check is a ConflictException: one
 * schedule, however many notifications asked for it. (A Wait state in the machine would start an
 * execution per notification and bill it while it waits.)
 */
import { createHash } from 'node:crypto';
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { isJsonRecord } from '../../shared/json';

export interface CheckRequest {
  readonly pipeline: string;
  readonly key: string;
}

/** The conductor's input for a scheduled check; undefined for any other event. */
export function checkRequestOf(event: unknown): CheckRequest | undefined {
  if (!isJsonRecord(event) || !isJsonRecord(event['check'])) return undefined;
  const { pipeline, key } = event['check'];
  return typeof pipeline === 'string' && typeof key === 'string' ? { pipeline, key } : undefined;
}

/** Scheduler names: at most 64 characters of letters, digits, ".", "-" and "_". */
export const checkScheduleName = (pipeline: string, key: string, at: Date): string =>
  `check-${createHash('sha256').update(`${pipeline}\n${key}\n${at.toISOString()}`).digest('hex').slice(0, 40)}`;

/** `at(...)` wants whole seconds in UTC without a zone; round up so the check never comes early. */
const atExpression = (at: Date): string => `at(${new Date(Math.ceil(at.getTime() / 1000) * 1000).toISOString().slice(0, 19)})`;

type ScheduleSettings = () => { readonly groupName: string; readonly roleArn: string; readonly targetArn: string };

/** One invocation of the conductor with `input` at `at`, once per name (a second request is a ConflictException, ignored). */
function createOneTimeSchedule(scheduler: SchedulerClient, settings: ScheduleSettings) {
  return async (name: string, at: Date, input: unknown): Promise<void> => {
    const { groupName, roleArn, targetArn } = settings();
    try {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: targetArn, RoleArn: roleArn, Input: JSON.stringify(input), RetryPolicy: { MaximumRetryAttempts: 10 } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  };
}

export function createScheduledCheck(scheduler: SchedulerClient, settings: ScheduleSettings) {
  const schedule = createOneTimeSchedule(scheduler, settings);
  return (pipeline: string, key: string, at: Date): Promise<void> => schedule(checkScheduleName(pipeline, key, at), at, { check: { pipeline, key } });
}

/** The conductor's input to go on with a backfill; undefined for any other event. */
export function backfillRequestOf(event: unknown): { readonly id: string } | undefined {
  if (!isJsonRecord(event) || !isJsonRecord(event['backfill'])) return undefined;
  const { id } = event['backfill'];
  return typeof id === 'string' ? { id } : undefined;
}

/**
 * A backfill longer than one invocation goes on in the next: a schedule a second ahead (Scheduler
 * fires within a minute), named by backfill and progress so a retried invocation schedules it once.
 */
export function createBackfillContinuation(scheduler: SchedulerClient, settings: ScheduleSettings) {
  const schedule = createOneTimeSchedule(scheduler, settings);
  return (id: string, done: number, now: Date): Promise<void> =>
    schedule(`backfill-${createHash('sha256').update(`${id}\n${done}`).digest('hex').slice(0, 40)}`, new Date(now.getTime() + 1000), { backfill: { id } });
}
