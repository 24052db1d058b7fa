/**
 * A lab's own CDK app through `orchestra/cdk`: its handlers bundled from its own project root (outside
 * Orchestra's), Orchestra's built-in functions from their own bundles with per-stack settings beside
 * them, and the scaffold's cdk.json carrying CDK's recommended feature flags.
 */
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { addSecurityChecks, loadCatalogue, OrchestraStack } from 'orchestra/cdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CONFIG_FILE } from '../../lib/contract/bundled-config';
import { tempProject } from '../helpers/project';

const ROOT = join(import.meta.dirname, '..', '..');
const project = tempProject('lab-cdk');
const lab = project.dir;
const write = (path: string, text: string): string => project.write(path, text);
let template: Template;
let outdir: string;

beforeAll(() => {
  write('package.json', '{"name": "lab", "type": "module"}');
  write('package-lock.json', '{"name": "lab", "lockfileVersion": 3, "packages": {}}');
  // A lab's npm install puts Orchestra's esbuild in its node_modules, where CDK's bundling runs it from.
  symlinkSync(join(ROOT, 'node_modules'), join(lab, 'node_modules'));
  // No .dockerignore, and what a working lab has lying about.
  write('containers/count/Dockerfile', 'FROM public.ecr.aws/docker/library/node:24-slim\nCOPY containers/count /app\n');
  write('.orchestra/runs.db', 'the local run database');
  write('functions/tidy/index.ts', 'export const handler = async () => ({ tidy: true });\n');
  write(
    'state-machines/tidy.graph.json',
    JSON.stringify({
      name: 'tidy',
      trigger: { ingestPrefix: 'ingest/tidy/', mode: 'per-object' },
      steps: {
        tidy: { kind: 'lambda', handler: 'functions/tidy/index.ts' },
        wait: { kind: 'simulate' },
        count: { kind: 'container', image: './containers/count', dependsOn: ['tidy'], local: { command: ['true'] } },
      },
    }),
  );
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'orchestra-lab-cdk-out-')) });
  addSecurityChecks(app);
  const stack = new OrchestraStack(app, 'Lab', { pipelines: loadCatalogue(lab), projectRoot: lab });
  template = Template.fromStack(stack);
  outdir = app.synth().directory;
});

afterAll(() => project.remove());

/** Whether anything is at `path`, a dangling link included. */
const lstatSafe = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/** The staged asset folder of the function whose logical id starts with `prefix`. */
function assetOf(prefix: string): string {
  const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(prefix));
  const key: unknown = fn?.[1]['Properties'].Code.S3Key;
  if (typeof key !== 'string') throw new Error(`no function ${prefix}*`);
  return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

/** The staged build context of the image built from `containers/<name>/Dockerfile`. */
function imageContextOf(name: string): string {
  const [context] = readdirSync(outdir)
    .filter((entry) => entry.startsWith('asset.'))
    .map((entry) => join(outdir, entry))
    .filter((dir) => existsSync(join(dir, 'containers', name, 'Dockerfile')));
  if (context === undefined) throw new Error(`no image asset for containers/${name}`);
  return context;
}

describe("a lab's stack", () => {
  it("builds a container step's image from the project without its node_modules, run database or .git, even with no .dockerignore", () => {
    const context = imageContextOf('count');
    expect(existsSync(join(context, 'functions', 'tidy', 'index.ts'))).toBe(true);
    for (const left of ['node_modules', '.orchestra', '.git', 'cdk.out']) expect(lstatSafe(join(context, left)), left).toBe(false);
  });

  it("deploys the lab's pipeline only, its handler bundled from the lab's project", () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(readFileSync(join(assetOf('PipelinetidyTidyFunction'), 'index.js'), 'utf8')).toContain('tidy:!0');
  });

  it("gives Orchestra's built-in functions their own bundles, and the runs API its pipelines beside its bundle", () => {
    const runsApi = assetOf('RunsApiFunction');
    const settings = JSON.parse(readFileSync(join(runsApi, BUNDLED_CONFIG_FILE), 'utf8'));

    expect(settings).toEqual({ ORCHESTRA_PIPELINE_DESCRIPTIONS: expect.any(String) });
    expect(Object.keys(JSON.parse(settings.ORCHESTRA_PIPELINE_DESCRIPTIONS))).toEqual(['tidy']);
    expect(existsSync(join(assetOf('SimulateStepFunction'), 'index.js'))).toBe(true);
    expect(existsSync(join(assetOf('PipelinetidyIngestTrigger'), 'index.js'))).toBe(true);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });
});

describe("this repository's cdk.json (issue 30: it set none, so the access-log bucket used a deprecated ACL)", () => {
  const context = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

  it("has CDK's recommended feature flags too", () => {
    expect(context).toMatchObject(CURRENTLY_RECOMMENDED_FLAGS);
  });

  it('grants S3 log delivery by bucket policy, not by the LogDelivery ACL', () => {
    const template = Template.fromStack(new OrchestraStack(new App({ context }), 'Flags', { pipelines: [], projectRoot: ROOT }));
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.map((bucket) => bucket['Properties'].AccessControl)).toEqual(buckets.map(() => undefined));
    expect(JSON.stringify(template.findResources('AWS::S3::BucketPolicy'))).toContain('logging.s3.amazonaws.com');
  });
});

describe("the scaffold's cdk.json", () => {
  it("has CDK's recommended feature flags for the aws-cdk-lib Orchestra pins", () => {
    const cdkJson: unknown = JSON.parse(readFileSync(join(ROOT, 'templates', 'lab', 'cdk.json'), 'utf8'));

    expect(cdkJson).toMatchObject({ app: 'node bin/app.ts', context: CURRENTLY_RECOMMENDED_FLAGS });
  });
});
