import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The HTTP side of the feed server, pure apart from reading the page's files: who may connect
 * (token, browser origin) and the small static page served beside the feed.
 */

/** The token a request carries: `?token=...` on the URL, or an `Authorization: Bearer ...` header; null if none. */
export function requestToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  try {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  } catch {
    return null;
  }
}

/** Whether a presented token equals the expected one (constant time over their SHA-256 digests). */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Whether a browser origin may use the feed. Programs send no Origin and are allowed. A page may if
 * its origin is listed, or if it was loaded from this server under an address that cannot be
 * rebound by DNS (an IP literal or localhost) or a token is required anyway: a page on another site
 * must not approve proposals through the engineer's browser.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[], tokenRequired: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  const host = req.headers.host;
  if (!host || origin !== `http://${host}`) return false;
  const hostname = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return tokenRequired || hostname === 'localhost' || net.isIP(hostname) !== 0;
}

/** The page's files, read once at start. */
export interface WebPage {
  /** URL path -> [content type, body]. */
  files: Map<string, [string, Buffer]>;
  /** Where they were read from. */
  root: string;
}

const PAGE_FILES: ReadonlyArray<[string, string, string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/index.html', 'index.html', 'text/html; charset=utf-8'],
  ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
];

/** The page's folder: src/ui/web beside the sources, found from here or from the build in dist/; null if absent. */
export function defaultWebRoot(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const rel of ['../../ui/web', '../../../../src/ui/web']) {
    const dir = path.resolve(here, rel);
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return null;
}

/** Reads the page (index.html, app.js) and the protocol's JSON Schema; throws if the page is missing. */
export function loadWebPage(root: string): WebPage {
  const files = new Map<string, [string, Buffer]>();
  for (const [url, file, type] of PAGE_FILES) files.set(url, [type, fs.readFileSync(path.join(root, file))]);
  const schema = path.join(path.dirname(fileURLToPath(import.meta.url)), 'protocol.schema.json');
  const schemaSrc = fs.existsSync(schema) ? schema : path.resolve(root, '../../transport/ws/protocol.schema.json');
  if (fs.existsSync(schemaSrc)) files.set('/protocol.schema.json', ['application/schema+json', fs.readFileSync(schemaSrc)]);
  return { files, root };
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** Answers a plain HTTP request: the page's files on GET/HEAD, 404 for anything else. */
export function serveHttp(req: IncomingMessage, res: ServerResponse, page: WebPage | null): void {
  const reply = (status: number, type: string, body: Buffer | string) => {
    res.writeHead(status, {
      'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': CSP, 'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'text/plain; charset=utf-8', 'Only GET is served here.\n');
  let pathname = '/';
  try {
    pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return reply(400, 'text/plain; charset=utf-8', 'Bad request URL.\n');
  }
  if (pathname === '/feed') return reply(426, 'text/plain; charset=utf-8', 'This is the WebSocket feed: connect with a WebSocket client.\n');
  if (!page) return reply(404, 'text/plain; charset=utf-8', 'The web page is not installed with this copy of ama; the WebSocket feed is at /feed.\n');
  const file = page.files.get(pathname);
  if (!file) return reply(404, 'text/plain; charset=utf-8', `Not found: ${pathname}. The page is at /, the feed at /feed.\n`);
  reply(200, file[0], file[1]);
}
