/** CloudFormation's limits checked at synth, with what to do (issue 30: 500 resources is about 50 more product pipelines away). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadCatalogue, pipelineFromGraph } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import { CloudFormationLimits } from '../../lib/cdk/cloudformation-limits';

const ROOT = join(import.meta.dirname, '..', '..');
const checkedApp = () => {
  const app = new App();
  Validations.of(app).addPlugins(new CloudFormationLimits());
  return app;
};

describe('CloudFormation limits at synth', () => {
  it("passes this repository's stack", () => {
    const app = checkedApp();
    new OrchestraStack(app, 'Lab', { pipelines: loadCatalogue(ROOT), projectRoot: ROOT });
    expect(() => app.synth()).not.toThrow();
  });

  it('refuses a stack over 500 resources, naming the count, the largest pipelines and the fix', () => {
    const app = new App();
    const products = Array.from({ length: 90 }, (_, i) =>
      pipelineFromGraph({ name: `product${i}`, trigger: { ingestPrefix: `ingest/product${i}/` }, steps: { make: { kind: 'simulate' } } }, ROOT),
    );
    new OrchestraStack(app, 'Crowded', { pipelines: products, projectRoot: ROOT });

    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/\d+ resources, over CloudFormation's 500 per stack \(90 pipelines; the largest: Pipelineproduct\d+ \d+/);
    expect(message).toContain('split the pipelines across two stacks');
  });
});

describe('the template limits, read from the synthesized template', () => {
  it('refuses a template over 1 MB or 200 outputs, naming the rule and the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orchestra-limits-'));
    const big = join(dir, 'Big.template.json');
    writeFileSync(
      big,
      JSON.stringify({
        Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'x'.repeat(1_000_001) } } },
        Outputs: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`O${i}`, { Value: 'v' }])),
      }),
    );
    const small = join(dir, 'Small.template.json');
    writeFileSync(small, JSON.stringify({ Resources: { A: { Type: 'AWS::SNS::Topic' } } }));

    const report = new CloudFormationLimits().validate({ templatePaths: [big, small], appConstruct: new App() });

    expect(report.success).toBe(false);
    expect(report.violations.map((v) => [v.ruleName, v.violatingResources[0]?.templatePath])).toEqual([
      ['template-size', big],
      ['stack-outputs', big],
    ]);
    expect(report.violations[0]?.fix).toContain('split the pipelines across two stacks');
  });
});
