/**
 * What keeps web pages from using the local servers (the embedded S3, the Step Functions endpoint and
 * the runs API of `orchestra up`; the console of `orchestra console`, which signs with the user's AWS
 * credentials) behind the user's back:
 * - a Host that is not a loopback name is refused: a site whose name an attacker points at 127.0.0.1
 *   (DNS rebinding) would otherwise be same-origin with these servers;
 * - a request a browser marks as sent by another site (`Sec-Fetch-Site: cross-site`) is refused,
 *   whatever its method: a page's image or link to a local URL does nothing either;
 * - a request that changes something (not GET/HEAD) carrying another site's Origin is refused: forms
 *   and `fetch` from any page can send simple POSTs (a redrive needs no body) without asking.
 * Tools (the CLI, SDKs, steps calling back, curl, the AWS CLI) send neither header and a loopback
 * Host, and pass; so do the local servers' own pages, which are same-site (127.0.0.1, another port).
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

/** Why `request` is refused, or undefined when it may be answered. */
export function foreignRequestReason(request: Pick<IncomingMessage, 'headers' | 'method'>): string | undefined {
  const host = request.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) return `Host "${host}" is not a loopback address: this server answers http://127.0.0.1:<port> only`;
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'a page of another site may not use this server: only its own pages, the console and tools may';
  const origin = request.headers.origin;
  if (request.method === 'GET' || request.method === 'HEAD' || origin === undefined) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = '';
  }
  return originHost === host ? undefined : `a page of ${origin} may not ${request.method} here: only this server's own page and tools without an Origin may change runs`;
}
