/**
 * One CloudWatch dashboard for every pipeline in the stack: a row per pipeline with its runs by
 * outcome, run duration, and the errors and duration of each Lambda step, then undelivered uploads.
 */
import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, type IMetric, Stats, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Pipeline } from './pipeline';

/** The pipelines the dashboard shows, and the queue of undelivered events it watches. */
export interface PipelinesDashboardProps {
  readonly pipelines: readonly Pipeline[];
  readonly deadLetterQueue?: IQueue;
  /** @default - CloudFormation generates one */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(5);

/** A CloudWatch dashboard: runs started, succeeded and failed per pipeline, step durations, undelivered events. */
export class PipelinesDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelinesDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }), defaultInterval: Duration.days(1) });
    for (const pipeline of props.pipelines) {
      const machine = pipeline.stateMachine;
      const name = pipeline.source.graph.name;
      const functions = Object.entries(pipeline.functions);
      this.dashboard.addWidgets(
        new TextWidget({
          markdown: `## ${name}\nUploads to \`${pipeline.source.graph.trigger?.ingestPrefix ?? '(no ingest prefix)'}\` · logs in \`${name}\` log groups`,
          width: 24,
          height: 2,
        }),
      );
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${name}: runs`,
          width: 8,
          left: [
            machine.metricStarted({ period: PERIOD, label: 'started' }),
            machine.metricSucceeded({ period: PERIOD, label: 'succeeded' }),
            machine.metricFailed({ period: PERIOD, label: 'failed' }),
            machine.metricTimedOut({ period: PERIOD, label: 'timed out' }),
            machine.metricAborted({ period: PERIOD, label: 'aborted' }),
          ],
        }),
        new GraphWidget({
          title: `${name}: run duration`,
          width: 8,
          left: [machine.metricTime({ period: PERIOD, statistic: Stats.p(50), label: 'p50' }), machine.metricTime({ period: PERIOD, statistic: Stats.p(99), label: 'p99' })],
        }),
        new GraphWidget({
          title: `${name}: Lambda step errors and throttles`,
          width: 8,
          left:
            functions.length === 0
              ? [machine.metricThrottled({ period: PERIOD, label: 'run throttles' })]
              : functions.flatMap(([stepId, fn]): IMetric[] => [
                  fn.metricErrors({ period: PERIOD, label: `${stepId} errors` }),
                  fn.metricThrottles({ period: PERIOD, label: `${stepId} throttles` }),
                ]),
        }),
      );
      if (functions.length > 0) {
        this.dashboard.addWidgets(
          new GraphWidget({
            title: `${name}: Lambda step duration p99`,
            width: 24,
            left: functions.map(([stepId, fn]) => fn.metricDuration({ period: PERIOD, statistic: Stats.p(99), label: stepId })),
          }),
        );
      }
    }
    if (props.deadLetterQueue !== undefined) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Undelivered uploads and schedules (dead-letter queue)',
          width: 24,
          left: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: Stats.MAXIMUM, label: 'waiting' })],
        }),
      );
    }
  }
}
