/** `GET /pipelines/{pipeline}`: its steps, kinds, dependencies and trigger, as the stack described it. */
import type { RouteHandler } from '../router';

export const describePipeline: RouteHandler<'describePipeline'> = async (event, api) => {
  const { pipeline, arn } = api.stateMachineOf(event);
  const described = api.describedOf(pipeline);
  return { status: 200, body: { ...(described ?? { name: pipeline, steps: {} }), stateMachineArn: arn, ...api.scheduleOf(pipeline) } };
};
