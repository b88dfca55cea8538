// The page served beside the feed: its files over HTTP, its script parses, and (where Chromium is
// installed: `apt-get install chromium`) it runs in a real headless browser, driven over the
// DevTools protocol with the `ws` client: it shows the meters, the tonal balance and the proposals,
// and its buttons approve and undo on the board.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { compareToTarget } from '../../src/reference/compare.js';
import { buildMeter, buildProfile, compactComparison } from '../../src/transport/ws/protocol.js';
import { balancedRefs, targetOf, track } from '../unit/suggest/fixtures.js';
import { eq, gain } from '../unit/suggest/boardFixtures.js';
import { boardFeed, sleep } from './wsHelpers.js';

const KEY = 'eq:master:peaking@250Hz';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function feed() {
  const f = await boardFeed([eq(250, -3), gain(1)]);
  cleanup.push(() => f.server.stop());
  return { ...f, http: `http://127.0.0.1:${f.port}` };
}

describe('the page over HTTP', () => {
  it('serves index.html, app.js (which parses) and the protocol schema; refuses the rest', async () => {
    const { http } = await feed();
    const page = await fetch(`${http}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    expect(await page.text()).toMatch(/<script src="app.js" defer><\/script>/);
    const js = await fetch(`${http}/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const src = await js.text();
    expect(() => new vm.Script(src, { filename: 'app.js' })).not.toThrow();
    expect(src).not.toMatch(/innerHTML/);
    expect(((await (await fetch(`${http}/protocol.schema.json`)).json()) as { title: string }).title).toMatch(/ama feed protocol/);
    expect((await fetch(`${http}/../../package.json`)).status).toBe(404);
    expect((await fetch(`${http}/feed`)).status).toBe(426);
    expect((await fetch(`${http}/`, { method: 'POST' })).status).toBe(405);
  });
});

/** A minimal DevTools-protocol client over one page target. */
class Cdp {
  private id = 0;
  private readonly waiting = new Map<number, (r: { result?: unknown; error?: { message: string } }) => void>();
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id?: number; result?: unknown; error?: { message: string } };
      if (m.id !== undefined) this.waiting.get(m.id)?.(m);
    });
  }
  call(method: string, params: object = {}): Promise<Record<string, unknown>> {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.waiting.set(id, (r) => (r.error ? reject(new Error(r.error.message)) : resolve(r.result as Record<string, unknown>))));
  }
  async eval<T>(expression: string): Promise<T> {
    const r = (await this.call('Runtime.evaluate', { expression, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.text}`);
    return r.result.value;
  }
  /** Polls until the expression is true (an exception, e.g. while the page is still loading, counts as false). */
  async until(expression: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await this.eval<boolean>(expression).catch(() => false))) {
      if (Date.now() > end) throw new Error(`the page never satisfied: ${expression}`);
      await sleep(50);
    }
  }
}

async function launch(url: string): Promise<Cdp> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-chromium-'));
  const child: ChildProcess = spawn(CHROMIUM!, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--window-size=1200,900', url,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  cleanup.push(() => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // Chromium's helpers may still be writing there; a stale temporary profile is harmless.
    }
  });
  cleanup.push(() => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); setTimeout(resolve, 3000).unref(); }));
  const devtools = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${err.slice(-500)}`)));
  });
  const port = new URL(devtools).port;
  type Target = { type: string; url: string; webSocketDebuggerUrl: string };
  let target: Target | undefined;
  for (let i = 0; i < 100 && !target; i++, await sleep(50)) {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Target[];
    target = list.find((t) => t.type === 'page' && t.url.startsWith(url));
  }
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  cleanup.push(() => ws.close());
  return new Cdp(ws);
}

if (!CHROMIUM && process.env.CI === 'true') throw new Error('CI needs chromium for the page test: run scripts/install-system-deps.sh');

describe.skipIf(!CHROMIUM)('the page in headless Chromium', () => {
  it('shows meters, tonal balance and proposals, and its buttons approve and undo on the board', async () => {
    const { http, server, board } = await feed();
    const mix = track({ lufs: -14, midShape: (hz) => (hz > 4000 ? -3 : 0) });
    const comparison = compactComparison(compareToTarget(mix, targetOf(balancedRefs())), 'window');
    server.broadcast(buildProfile({ t: 2, windowSec: 30, window: mix.profile, session: mix.profile, comparison }));
    server.broadcast(buildMeter(2, { ...mix.loudness, momentaryLufs: -13.2, shortTermLufs: -14.1 }));
    const page = await launch(`${http}/`);
    await page.until(`document.body.dataset.connection === 'open' && document.querySelectorAll('#proposals tbody tr').length === 2`);
    expect(await page.eval(`document.querySelector('[data-meter="M"] .value').textContent`)).toBe('-13.2 LUFS');
    expect(await page.eval(`document.querySelector('[data-meter="I"] .value').textContent`)).toBe(`${mix.loudness.integratedLufs!.toFixed(1)} LUFS`);
    expect(await page.eval(`document.querySelectorAll('#tonal polyline.mix, #tonal polyline.mean, #tonal polygon.envelope').length`)).toBe(3);
    expect(await page.eval(`document.getElementById('refs').textContent`)).toBe('vs ref.wav');
    const row = `document.querySelector('tr[data-key="${KEY}"]')`;
    expect(await page.eval(`${row}.querySelector('button.undo').disabled`)).toBe(true);
    await page.eval(`${row}.querySelector('button.approve').click()`);
    await page.until(`${row}.dataset.state === 'approved' && !${row}.querySelector('button.undo').disabled`);
    expect(board.items().find((it) => it.suggestion.key === KEY)!.state).toBe('approved');
    expect(await page.eval(`document.getElementById('log').textContent`)).toBe(`approve ${KEY}: now approved`);
    await page.eval(`${row}.querySelector('button.undo').click()`);
    await page.until(`${row}.dataset.state === 'undone'`);
    expect(board.items().find((it) => it.suggestion.key === KEY)!.state).toBe('undone');
    if (process.env.AMA_PAGE_SHOT) {
      const shot = (await page.call('Page.captureScreenshot', { format: 'png' })) as { data: string };
      fs.writeFileSync(process.env.AMA_PAGE_SHOT, Buffer.from(shot.data, 'base64'));
    }
  }, 60_000);
});
