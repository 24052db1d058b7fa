/**
 * The CLI's client of the runs API, on either target: the local `orchestra up` (found through its
 * endpoints file), any URL (`--api`), or a deployed stack (`--stack`, its RunsApiUrl output). Requests
 * to API Gateway are SigV4-signed with the standard AWS credential chain (environment, profile, SSO,
 * instance role), as the deployed API requires IAM authorisation.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { STACK_OUTPUTS } from '../contract/stack-outputs';
import { runningEndpoints } from '../runtime/local-endpoints';
import { messageOf, OrchestraError, UsageError } from '../shared/errors';
import { isJsonRecord, type JsonRecord } from '../shared/json';
import { readStackOutputs } from './stack-outputs';

export interface ApiTargetOptions {
  /** A runs API base URL. */
  readonly api?: string;
  /** A deployed stack's name: its RunsApiUrl output is used. */
  readonly stack?: string;
  readonly region?: string;
}

/** The API refused the request: its message (and the field to fix) as the API said. */
export class RunsApiError extends OrchestraError {
  override readonly name = 'RunsApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super('runs-api', message);
  }
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: JsonRecord;
  readonly location?: string;
}

/** An answer as the API sent it, for a proxy to pass on. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

const EXECUTE_API_HOST = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

export class RunsApiClient {
  private constructor(
    readonly baseUrl: string,
    private readonly signer: SignatureV4 | undefined,
  ) {}

  /** --api, else --stack, else the `orchestra up` serving `dataDir`. */
  static async connect(options: ApiTargetOptions, dataDir: string): Promise<RunsApiClient> {
    if (options.api !== undefined && options.stack !== undefined) throw new UsageError('--api and --stack both name a runs API: pass one');
    const url = options.api ?? (options.stack === undefined ? localApiOf(dataDir) : await stackApiOf(options.stack, options.region));
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--api ${url}: not a URL — pass the runs API's base URL, e.g. http://127.0.0.1:4570`);
    }
    const region = EXECUTE_API_HOST.exec(parsed.hostname)?.[1];
    const signer = region === undefined ? undefined : new SignatureV4({ credentials: defaultProvider(), region, service: 'execute-api', sha256: Sha256 });
    return RunsApiClient.at(url, signer);
  }

  /** A client of the API at `url`, signing with `signer` when given (tests sign with known credentials). */
  static at(url: string, signer?: SignatureV4): RunsApiClient {
    return new RunsApiClient(url.replace(/\/+$/, ''), signer);
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const answer = await this.forward(method, path, text, { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
    const raw = answer.body;
    let parsed: unknown;
    try {
      parsed = raw === '' ? {} : JSON.parse(raw);
    } catch {
      parsed = { message: raw };
    }
    const result = isJsonRecord(parsed) ? parsed : { value: parsed };
    if (answer.status >= 400) {
      const message = typeof result['message'] === 'string' ? result['message'] : `HTTP ${answer.status}`;
      throw new RunsApiError(answer.status, `${method} ${path}: ${message}`, typeof result['field'] === 'string' ? result['field'] : undefined);
    }
    const location = answer.headers.get('location');
    return { status: answer.status, body: result, ...(location === null ? {} : { location }) };
  }

  /** Sends `path` (with its query) to the API, signed when the API is API Gateway's, and returns the answer as sent. */
  async forward(method: string, path: string, text: string | undefined, headers: Record<string, string> = {}): Promise<RawAnswer> {
    const url = new URL(`${this.baseUrl}${path}`);
    let sent: Record<string, string> = { host: url.host, ...headers };
    if (this.signer !== undefined) {
      const signed = await this.signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: sent,
        ...(text === undefined ? {} : { body: text }),
      });
      sent = signed.headers;
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers: sent, ...(text === undefined ? {} : { body: text }) });
    } catch (error) {
      throw new OrchestraError('runs-api-unreachable', `cannot reach the runs API at ${this.baseUrl} (${messageOf(error)}) — is \`orchestra up\` running, or the URL right?`, {
        cause: error,
      });
    }
    return { status: response.status, headers: response.headers, body: await response.text() };
  }
}

function localApiOf(dataDir: string): string {
  const endpoints = runningEndpoints(dataDir);
  if (endpoints === undefined)
    throw new UsageError(`no \`orchestra up\` is serving ${dataDir} — start it (npm run up), or pass --api <url> or --stack <name> for a deployed stack`);
  return endpoints.runsApi;
}

async function stackApiOf(stackName: string, region: string | undefined): Promise<string> {
  const url = (await readStackOutputs(stackName, region))[STACK_OUTPUTS.runsApiUrl];
  if (url === undefined) throw new UsageError(`stack ${stackName} has no ${STACK_OUTPUTS.runsApiUrl} output: is it an Orchestra stack, fully deployed?`);
  return url;
}
