/**
 * cdk-nag AwsSolutions checks on the whole app, as `cdk synth` runs them (bin/app.ts): zero
 * unacknowledged findings, and every acknowledgement is a deliberate, explained exception.
 */

import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCatalogue } from '../../lib/catalogue';
import { OrchestraStack } from '../../lib/cdk';
import { checkedApp } from '../helpers/cdk-template';

const ROOT = join(import.meta.dirname, '..', '..');

/** Rule id → reasons, from the metadata Validations.acknowledge() records. */
function acknowledgementsIn(root: IConstruct): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id, [...(found.get(id) ?? []), reason]);
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions checks', () => {
  let app: App;

  beforeAll(() => {
    app = checkedApp();
    new OrchestraStack(app, 'Orchestra', { pipelines: loadCatalogue(ROOT), projectRoot: ROOT });
  });

  it('finds nothing unacknowledged in the stack', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('fails synthesis on a finding nobody acknowledged (the check is live)', () => {
    const bad = checkedApp();
    const role = new Role(new Stack(bad, 'Bad'), 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const quietLog = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(() => bad.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
    } finally {
      quiet.mockRestore();
      quietLog.mockRestore();
    }
  });

  it('acknowledges only the expected rules, each with a written reason', () => {
    // aws-cdk-lib acknowledges some cfn-lint rules on its own constructs; ours are the AwsSolutions ones.
    const acknowledged = new Map(
      [...acknowledgementsIn(app)].filter(([id]) => id.startsWith('Annotation::AwsSolutions-')).map(([id, reasons]) => [id.replace(/^Annotation::/, ''), reasons]),
    );
    const rules = [...new Set([...acknowledged.keys()].map((id) => id.replace(/\[.*$/, '')))].sort();

    expect(rules).toEqual(['AwsSolutions-APIG3', 'AwsSolutions-APIG6', 'AwsSolutions-COG4', 'AwsSolutions-ECS2', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-SQS3']);
    // Wildcards are acknowledged finding by finding, never for a whole rule.
    expect([...acknowledged.keys()].filter((id) => /IAM5$/.test(id))).toEqual([]);
    for (const [id, reasons] of acknowledged) {
      for (const reason of reasons) expect({ id, reason: reason.length >= 40 && /[a-z]{3}/.test(reason) }).toEqual({ id, reason: true });
    }
  });
});
