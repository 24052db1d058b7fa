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

export function createScheduledCheck(scheduler: SchedulerClient, settings: () => { readonly groupName: string; readonly roleArn: string; readonly targetArn: string }) {
  return async (pipeline: string, key: string, at: Date): Promise<void> => {
    const { groupName, roleArn, targetArn } = settings();
    try {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: checkScheduleName(pipeline, key, at),
          GroupName: groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: targetArn, RoleArn: roleArn, Input: JSON.stringify({ check: { pipeline, key } }), RetryPolicy: { MaximumRetryAttempts: 10 } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  };
}
