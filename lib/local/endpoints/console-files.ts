/**
 * The web console's static files (console/dist, built by Vite) from the local runs API's server: `/`
 * is the page, `/assets/…` its scripts and styles. Only files inside the folder are served; the page
 * calls the API with relative URLs on the same origin, so no credentials or CORS are involved.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { isInside } from '../../shared/paths';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The console's file for a request path, or undefined when the path is not one of its files. */
export function consoleFile(dir: string, pathname: string): { file: string; contentType: string } | undefined {
  if (pathname !== '/' && !pathname.startsWith('/assets/')) return undefined;
  let relative: string;
  try {
    relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  } catch {
    // Malformed percent-encoding (any page may link here) names no file: a 404, never a crash.
    return undefined;
  }
  const file = normalize(join(dir, relative));
  if (!isInside(dir, file) || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return { file, contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
}

export function sendConsoleFile(response: ServerResponse, found: { file: string; contentType: string }): void {
  // Vite names assets by content hash: they never change; the page itself must be re-read.
  const cache = found.file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable';
  response.writeHead(200, { 'content-type': found.contentType, 'cache-control': cache });
  response.end(readFileSync(found.file));
}
