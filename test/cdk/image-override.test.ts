/** A site's own image for a container step, named in CDK context instead of the graph (e.g. its DassFlow-2D build). */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import type { PipelineGraph } from '../../lib/graph/schema';
import { ROOT } from '../helpers/local-runtime';

const cases: PipelineGraph = {
  name: 'cases',
  steps: { 'run-model': { kind: 'container', image: './containers/dassflow2d', local: { command: ['node', 'containers/dassflow2d/src/main.ts'] } } },
};
const synth = (context: Record<string, unknown>) =>
  Template.fromStack(new OrchestraStack(new App({ context }), 'Images', { pipelines: [pipelineFromGraph(cases, ROOT)], projectRoot: ROOT }));
const SITE_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/dassflow2d:2023.09';

describe('orchestra:images in CDK context', () => {
  it("runs the site's image instead of building the graph's Dockerfile", () => {
    const template = synth({ 'orchestra:images': JSON.stringify({ 'cases/run-model': SITE_IMAGE }) });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [{ Image: SITE_IMAGE }] });
  });

  it('builds the graph’s Dockerfile for steps it does not name', () => {
    const template = synth({ 'orchestra:images': { 'other/step': SITE_IMAGE } });
    const image = JSON.stringify(Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0]);
    expect(image).not.toContain(SITE_IMAGE);
    expect(image).toContain('cdk-hnb659fds-container-assets');
  });

  it('refuses a malformed setting, saying how to write it', () => {
    expect(() => synth({ 'orchestra:images': '{not json' })).toThrow(/orchestra:images must be a JSON object \{"<pipeline>\/<step>": "<image URI>"\}/);
    expect(() => synth({ 'orchestra:images': { 'cases/run-model': 42 } })).toThrow('"cases/run-model" must be an image URI string');
  });
});
