import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AMA_BIN, ROOT, run, skipWithout } from '../helpers/cli.js';

// The live demo's dashboard in a real terminal: tmux runs `ama demo` (the demo mix played in real
// time through the streaming path), the test reads the screen with capture-pane, presses keys with
// send-keys, and watches the WebSocket feed the demo opens on a free port (read off the status line).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ama-dash-'));
const socket = `ama-test-${process.pid}`;
const exitFile = path.join(dir, 'exit');
const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
const screen = async () => (await tmux('capture-pane', '-p', '-t', 'dash')).stdout;
let skip = false;

async function until<T>(what: string, get: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 30000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; screen:\n${await screen()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  skip = await skipWithout('tmux');
  if (skip) return;
  const env = `AMA_CACHE_DIR=${JSON.stringify(path.join(dir, 'cache'))} NCURSES_NO_UTF8_ACS=1 LANG=C.UTF-8 TERM=xterm-256color`;
  const cmd = `cd ${JSON.stringify(ROOT)} && ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(AMA_BIN)} demo --seconds 40 --ws-port 0 2>${JSON.stringify(path.join(dir, 'stderr'))}; echo $? > ${JSON.stringify(exitFile)}; sleep 120`;
  const r = await tmux('new-session', '-d', '-s', 'dash', '-x', '100', '-y', '30', cmd);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  if (!skip) await tmux('kill-server');
  fs.rmSync(dir, { recursive: true, force: true });
});

type Item = { suggestion: { key: string }; state: string };
type Msg = { type: string; items?: Item[] };

describe('ama demo: the dashboard under tmux', () => {
  it('shows meters and proposals; a approves, r rejects, on screen and on the feed; resizes to 80x24; ? helps; q quits cleanly', async (ctx) => {
    if (skip) ctx.skip();
    // Meters with numbers (the demo mix is about -20 LUFS), the tonal plot and the status line.
    const first = await until('the meters', async () => {
      const s = await screen();
      return /I\s+-\d+\.\d LUFS/.test(s) && /LRA\s+\d+\.\d LU/.test(s) && /Hz .*1k/.test(s) && s; // LRA needs 3 s
    });
    expect(first).toMatch(/TP\s+-\d+\.\d dBTP/);
    expect(first).toMatch(/PLR\s+\d+\.\d dB/);
    expect(first).toMatch(/running │ overruns \d+ │ WS :\d+ \d+ clients? │ CPU/);
    const port = Number(/WS :(\d+)/.exec(first)![1]);

    const got: Msg[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.on('message', (d) => got.push(JSON.parse(String(d)) as Msg));
    await until('the hello', () => got.some((m) => m.type === 'hello'));

    // Proposals appear after the board's hysteresis (3 evaluations over 3 s).
    await until('two proposals', async () => ((await screen()).match(/^│ ?\d+ PROPOSED /gm)?.length ?? 0) >= 2);
    await tmux('send-keys', '-t', 'dash', 'a');
    const approvedKey = await until('the approval on screen', async () => /APPROVED: (\S+)/.exec(await screen())?.[1]);
    expect(await screen()).toMatch(/^│ ?\d+ APPROVED /m);
    const stateOnFeed = (key: string, state: string) => got.some((m) => m.type === 'suggestions' && m.items!.some((i) => i.suggestion.key === key && i.state === state));
    await until('the approval on the feed', () => stateOnFeed(approvedKey, 'approved'));

    // Select the next item and reject it.
    await tmux('send-keys', '-t', 'dash', 'j');
    await tmux('send-keys', '-t', 'dash', 'r');
    const rejectedKey = await until('the rejection on screen', async () => /REJECTED: (\S+)/.exec(await screen())?.[1]);
    expect(rejectedKey).not.toBe(approvedKey);
    await until('the rejection on the feed', () => stateOnFeed(rejectedKey, 'rejected'));

    // 80x24 still renders every part within the width.
    await tmux('resize-window', '-t', 'dash', '-x', '80', '-y', '24');
    const small = await until('the 80x24 layout', async () => {
      const s = await screen();
      const redrawn = s.split('\n').some((l) => l.startsWith('┌─ Proposals') && l.endsWith('┐') && l.length === 80);
      return redrawn && /│ \? help/.test(s) && s;
    });
    for (const line of small.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(small).toMatch(/Loudness/);
    expect(small).toMatch(/Hz .*1k/);
    expect(small).toMatch(/│ \? help/);

    await tmux('send-keys', '-t', 'dash', '?');
    await until('the help', async () => /ama live dashboard/.test(await screen()));
    await tmux('send-keys', '-t', 'dash', '?');
    await until('the help to close', async () => !/ama live dashboard/.test(await screen()));

    await tmux('send-keys', '-t', 'dash', 'q');
    const code = await until('the exit', () => fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim());
    expect(code).toBe('0');
    // The terminal is given back: off the alternate screen, cursor shown, the dashboard gone.
    expect((await tmux('display-message', '-p', '-t', 'dash', '#{alternate_on} #{cursor_flag}')).stdout.trim()).toBe('0 1');
    expect(await screen()).not.toMatch(/Proposals: a approve/);
    expect(fs.readFileSync(path.join(dir, 'stderr'), 'utf8')).toMatch(new RegExp(`feed on ws://127\\.0\\.0\\.1:${port}`));
    await until('the feed to close', () => ws.readyState === WebSocket.CLOSED);
  }, 90_000);

  it('shuts down cleanly on SIGTERM: exit code 0, the terminal given back', async (ctx) => {
    if (skip) ctx.skip();
    const exit2 = path.join(dir, 'exit2');
    const env = `AMA_CACHE_DIR=${JSON.stringify(path.join(dir, 'cache'))} NCURSES_NO_UTF8_ACS=1 LANG=C.UTF-8 TERM=xterm-256color`;
    const cmd = `cd ${JSON.stringify(ROOT)} && ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(AMA_BIN)} demo --no-ws 2>/dev/null; echo $? > ${JSON.stringify(exit2)}; sleep 120`;
    await tmux('new-session', '-d', '-s', 'term', '-x', '80', '-y', '24', cmd);
    const shot = async () => (await tmux('capture-pane', '-p', '-t', 'term')).stdout;
    await until('the dashboard', async () => /Proposals: a approve/.test(await shot()));
    const shell = (await tmux('display-message', '-p', '-t', 'term', '#{pane_pid}')).stdout.trim();
    const pid = Number((await run('pgrep', ['-P', shell])).stdout.trim().split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGTERM');
    const code = await until('the exit', () => fs.existsSync(exit2) && fs.readFileSync(exit2, 'utf8').trim());
    expect(code).toBe('0');
    expect((await tmux('display-message', '-p', '-t', 'term', '#{alternate_on} #{cursor_flag}')).stdout.trim()).toBe('0 1');
    expect(await shot()).not.toMatch(/Proposals: a approve/);
  }, 60_000);
});
