/** A case dataset trigger in the template: its function may read (not only list) the ingest folder, since input.txt and bc.txt name the case's other files. */
import { describe, expect, it } from 'vitest';
import { pipelineFromGraph } from '../../lib/catalogue';
import { actionsOf, checkedStack, statementsOf } from '../helpers/cdk-template';
import { ROOT } from '../helpers/local-runtime';

describe('a DassFlow-2D case trigger in the stack', () => {
  it('lets the upload trigger read its ingest prefix, and passes the case mode in its configuration', () => {
    const { app, template } = checkedStack('Cases', [
      pipelineFromGraph(
        {
          name: 'cases',
          trigger: { ingestPrefix: 'ingest/cases/', mode: 'dataset', case: 'dassflow2d' },
          steps: { 'validate-case': { kind: 'lambda', handler: 'functions/flood/validate-inputs/index.ts' } },
        },
        ROOT,
      ),
    ]);
    const statements = statementsOf(template, 'PipelinecasesIngestTrigger');
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListBucket']));
    expect(JSON.stringify(statements.filter((s) => s.Action === 's3:GetObject'))).toContain('/ingest/cases/*');
    const trigger = Object.values(template.findResources('AWS::Lambda::Function')).find((fn) => JSON.stringify(fn).includes('INGEST_TRIGGER'));
    expect(JSON.parse(trigger?.['Properties'].Environment.Variables.INGEST_TRIGGER)).toMatchObject({ mode: 'dataset', case: 'dassflow2d' });
    expect(() => app.synth()).not.toThrow();
  });
});
