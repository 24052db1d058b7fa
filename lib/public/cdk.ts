/**
 * `orchestra/cdk` — what a lab's CDK app uses to deploy its own pipelines from its own project: the
 * pipeline catalogue (state-machines/), the stack, and its parts for apps that compose their own.
 * Orchestra's built-in functions come prebuilt with the package; the lab's handlers are bundled from
 * the lab's project root.
 *
 * @packageDocumentation
 */
export { loadCatalogue, loadPipelinesIn, type PipelineSource, pipelineFromGraph } from '../catalogue';
export { OrchestraStack, type OrchestraStackProps } from '../cdk/orchestra-stack';
export { Pipeline, type PipelineProps } from '../cdk/pipeline';
export { PipelinesDashboard, type PipelinesDashboardProps } from '../cdk/pipelines-dashboard';
export { RunsApi, type RunsApiProps } from '../cdk/runs-api';
export { addSecurityChecks } from '../cdk/security-checks';
export { BuiltinFunction, type BuiltinFunctionProps, type OrchestraFunction, StepFunction, type StepFunctionProps } from '../cdk/step-function';
export type { GraphLayout } from '../contract/graph-layout';
