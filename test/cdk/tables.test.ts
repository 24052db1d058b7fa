/** A Lambda step's `tables` in the stack: one kept, encrypted, recoverable DynamoDB table per name, its name in the step's environment, only that step allowed in. */
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../lib/catalogue';
import { tableEnvName } from '../../lib/contract/environment';
import { checkedStack, statementsOf } from '../helpers/cdk-template';
import { ROOT } from '../helpers/local-runtime';

describe('the nightly catalogue table', () => {
  const { app, template } = checkedStack('Tables', [loadPipeline(`${ROOT}/state-machines/nightly-catalogue.graph.json`)]);
  const tables = template.findResources('AWS::DynamoDB::Table');
  const [tableId, table] = Object.entries(tables)[0] ?? [];

  it('is one on-demand DynamoDB table keyed by pk, encrypted, with point-in-time recovery, kept when the stack goes', () => {
    expect(Object.keys(tables)).toHaveLength(1);
    expect(table?.['DeletionPolicy']).toBe('Retain');
    expect(table?.['Properties']).toMatchObject({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it("is named in insert-rows' environment, and only insert-rows may read and write it", () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const users = functions.filter((fn) => JSON.stringify(fn['Properties'].Environment?.Variables ?? {}).includes(tableEnvName('catalogue')));
    expect(users).toHaveLength(1);
    expect(users[0]?.['Properties'].Environment.Variables[tableEnvName('catalogue')]).toEqual({ Ref: tableId });
    const writers = statementsOf(template).filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    expect(writers).toHaveLength(1);
    expect(JSON.stringify(writers[0]?.Resource)).toContain(String(tableId));
    expect(JSON.stringify(statementsOf(template, 'PipelinenightlycatalogueInsertRows'))).toContain('dynamodb:PutItem');
  });

  it('passes cdk-nag', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
