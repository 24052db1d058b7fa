/** `GET /pipelines`: the pipelines this API serves, with their schedules. */
import type { RouteHandler } from '../router';

export const listPipelines: RouteHandler<'listPipelines'> = async (_event, api) => ({
  status: 200,
  body: {
    pipelines: Object.entries(api.dependencies.pipelines)
      .sort()
      .map(([name, stateMachineArn]) => ({ name, stateMachineArn, ...api.scheduleOf(name) })),
  },
});
