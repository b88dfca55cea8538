import net from 'node:net';
import type WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundMessageSchema } from '../../src/transport/ws/protocolSchemas.js';
import { FeedServer } from '../../src/transport/ws/server.js';
import { eq, gain } from '../unit/suggest/boardFixtures.js';
import { boardFeed, sleep, TestClient, type Msg } from './wsHelpers.js';

const KEY = 'eq:master:peaking@250Hz';
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(options = {}) {
  const feed = await boardFeed([eq(250, -3), gain(1)], options);
  cleanup.push(() => feed.server.stop());
  const open = async (path = feed.url, opts?: WebSocket.ClientOptions) => {
    const c = await TestClient.open(path, opts);
    cleanup.push(() => c.close());
    return c;
  };
  /** A client that has had its greeting (hello, then the suggestions), taken. */
  const greeted = async () => {
    const c = await open();
    await c.next('hello');
    await c.next('suggestions');
    expect(c.drain()).toEqual([]);
    return c;
  };
  return { ...feed, open, greeted };
}

const valid = (m: Msg) => expect(OutboundMessageSchema.safeParse(m).error?.issues ?? []).toEqual([]);

describe('feed server: protocol round trip', () => {
  it('greets with hello, then the current suggestions, all valid against the schema', async () => {
    const { open } = await setup();
    const c = await open();
    const hello = await c.next();
    expect(hello).toMatchObject({ v: 1, type: 'hello', server: { name: 'ama' }, commands: ['approve', 'reject', 'undo'], maxMessageBytes: 4096 });
    expect(hello.source).toMatchObject({ name: 'mix.wav', sampleRateHz: 48000 });
    const s = await c.next('suggestions');
    expect((s.items as { suggestion: { key: string } }[]).map((it) => it.suggestion.key)).toEqual([KEY, 'loudness:master:gain']);
    for (const m of c.messages) valid(m);
  });

  it('approve -> ack with the new state, and every client sees the change in a suggestions broadcast', async () => {
    const { open, board } = await setup();
    const a = await open();
    const b = await open();
    await a.next('suggestions');
    await b.next('suggestions');
    a.send({ v: 1, type: 'command', id: 'c1', command: 'approve', key: KEY });
    const ack = await a.next('ack');
    expect(ack).toEqual({ v: 1, type: 'ack', id: 'c1', command: 'approve', key: KEY, state: 'approved' });
    for (const c of [a, b]) {
      const s = await c.next('suggestions');
      valid(s);
      expect((s.items as { state: string; suggestion: { key: string } }[]).find((it) => it.suggestion.key === KEY)!.state).toBe('approved');
    }
    expect(board.items()[0].state).toBe('approved');
    a.send({ v: 1, type: 'command', id: 7, command: 'undo', key: KEY });
    expect(await a.next('ack')).toMatchObject({ id: 7, command: 'undo', state: 'undone' });
    a.send({ v: 1, type: 'ping', id: 'p' });
    expect(await a.next('ack')).toEqual({ v: 1, type: 'ack', id: 'p', command: 'ping' });
  });
});

describe('feed server: bad messages get an error reply and nothing else happens', () => {
  const cases: Array<[string, string | object, string, RegExp]> = [
    ['malformed JSON', '{"v":1,"type":"command",', 'BAD_JSON', /not valid JSON.*Accepted forms/],
    ['not an object', '[1,2]', 'BAD_MESSAGE', /Expected a JSON object, got an array/],
    ['no version', { type: 'ping' }, 'BAD_VERSION', /no protocol version/],
    ['unknown type', { v: 1, type: 'subscribe' }, 'UNKNOWN_TYPE', /"subscribe"; accepted types: command, ping/],
    ['unknown command', { v: 1, type: 'command', id: 3, command: 'delete', key: KEY }, 'UNKNOWN_COMMAND', /"delete"; accepted commands: approve, reject, undo/],
    ['wrong field type', { v: 1, type: 'command', command: 'approve', key: 42 }, 'BAD_MESSAGE', /key: Invalid input: expected string, received number/],
    ['unknown field', { v: 1, type: 'ping', extra: true }, 'BAD_MESSAGE', /Unrecognized key: "extra"/],
    ['unknown key', { v: 1, type: 'command', id: 'k', command: 'approve', key: 'eq:nope' }, 'UNKNOWN_KEY', /No suggestion with key "eq:nope"/],
    ['wrong state', { v: 1, type: 'command', command: 'undo', key: KEY }, 'BAD_STATE', /Cannot undo .*: it is proposed/],
  ];
  for (const [name, frame, code, message] of cases) {
    it(name, async () => {
      const { greeted, board } = await setup();
      const bad = await greeted();
      const other = await greeted();
      const rev = board.revision;
      const items = JSON.stringify(board.items());
      bad.send(frame);
      const err = await bad.next();
      valid(err);
      expect(err).toMatchObject({ type: 'error', code });
      expect(err.message).toMatch(message);
      if (typeof frame === 'object' && 'id' in frame) expect(err.id).toBe(frame.id);
      await sleep(100);
      expect(bad.pending()).toEqual([]);
      expect(other.pending()).toEqual([]);
      expect(board.revision).toBe(rev);
      expect(JSON.stringify(board.items())).toBe(items);
      bad.send({ v: 1, type: 'ping', id: 1 });
      expect(await bad.next()).toMatchObject({ type: 'ack', command: 'ping' });
    });
  }

  it('binary frames', async () => {
    const { greeted } = await setup();
    const c = await greeted();
    c.ws.send(Buffer.from([1, 2, 3]));
    expect(await c.next()).toMatchObject({ type: 'error', code: 'BINARY' });
  });

  it('a command that throws inside ama becomes an INTERNAL error; without a board, NO_HANDLER', async () => {
    const { open, logs } = await setup({ onCommand: () => { throw new Error('board exploded'); } });
    const c = await open();
    c.send({ v: 1, type: 'command', command: 'approve', key: KEY });
    expect(await c.next('error')).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/board exploded/) });
    expect(logs.join('\n')).toMatch(/approve command on .* failed: board exploded/);
    const plain = new FeedServer({ port: 0, log: () => {} });
    cleanup.push(() => plain.stop());
    const { port } = await plain.start();
    const d = await TestClient.open(`ws://127.0.0.1:${port}`);
    cleanup.push(() => d.close());
    d.send({ v: 1, type: 'command', command: 'approve', key: KEY });
    expect(await d.next('error')).toMatchObject({ code: 'NO_HANDLER' });
  });
});

describe('feed server: sizes, many clients, access, lifecycle', () => {
  it('answers a message over 4 KiB with TOO_LARGE and stays open; closes (1009) on a frame over 64 KiB; others unaffected', async () => {
    const { greeted, board } = await setup();
    const c = await greeted();
    const other = await greeted();
    c.send({ v: 1, type: 'command', command: 'approve', key: 'x'.repeat(5000) });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'TOO_LARGE', message: expect.stringMatching(/is 50\d\d bytes; the limit is 4096 bytes/) });
    c.send({ v: 1, type: 'ping' });
    expect(await c.next()).toMatchObject({ type: 'ack' });
    c.send('x'.repeat(100_000));
    expect((await c.closed).code).toBe(1009);
    other.send({ v: 1, type: 'command', id: 1, command: 'approve', key: KEY });
    expect(await other.next('ack')).toMatchObject({ state: 'approved' });
    expect(board.items()[0].state).toBe('approved');
  });

  it('broadcasts to 50 clients', async () => {
    const { open, server, board } = await setup();
    const clients = await Promise.all(Array.from({ length: 50 }, () => open()));
    await Promise.all(clients.map((c) => c.next('suggestions')));
    expect(server.clientCount).toBe(50);
    board.command('reject', KEY, Date.now());
    const got = await Promise.all(clients.map((c) => c.next('suggestions')));
    for (const s of got) expect((s.items as { state: string }[]).map((it) => it.state)).toEqual(['proposed', 'rejected']);
  });

  it('requires the token when one is set: ?token= or Authorization: Bearer; else closes with 4401', async () => {
    const { open, url } = await setup({ token: 's3cret-token' });
    for (const bad of [url, `${url}?token=wrong`]) {
      const c = await open(bad);
      expect(await c.next()).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
      expect(await c.closed).toEqual({ code: 4401, reason: 'Unauthorized: a valid token is required' });
    }
    expect(await (await open(`${url}?token=s3cret-token`)).next()).toMatchObject({ type: 'hello' });
    expect(await (await open(url, { headers: { Authorization: 'Bearer s3cret-token' } })).next()).toMatchObject({ type: 'hello' });
  });

  it("refuses a page from another site (4403) and accepts this server's own page", async () => {
    const { open, url, port } = await setup();
    const evil = await open(url, { origin: 'http://evil.example' });
    expect((await evil.closed).code).toBe(4403);
    const own = await open(url, { origin: `http://127.0.0.1:${port}` });
    expect(await own.next()).toMatchObject({ type: 'hello' });
  });

  it('refuses a client over maxClients (1013) and drops one that answers no heartbeat', async () => {
    const { open, greeted, server, port } = await setup({ maxClients: 2, heartbeatSec: 0.2 });
    const a = await greeted();
    const raw = net.connect(port, '127.0.0.1');
    cleanup.push(() => void raw.destroy());
    raw.on('error', () => {});
    raw.write(`GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await new Promise((resolve) => raw.once('data', resolve)); // upgraded; it will never answer a ping
    const third = await open();
    expect(await third.next()).toMatchObject({ type: 'error', code: 'BUSY' });
    expect((await third.closed).code).toBe(1013);
    const closedRaw = new Promise((resolve) => raw.once('close', resolve));
    await closedRaw;
    for (let i = 0; i < 50 && server.clientCount > 1; i++) await sleep(10);
    expect(server.clientCount).toBe(1);
    await sleep(500); // a client that answers pings stays
    a.send({ v: 1, type: 'ping' });
    expect(await a.next('ack')).toBeTruthy();
  });

  it('checks its options at start, listing every problem', async () => {
    const s = new FeedServer({ port: 70000, maxFrameBytes: 100, token: 'short', log: () => {} });
    await expect(s.start()).rejects.toThrow(/port: must be a whole number within \[0, 65535\], got 70000\nmaxFrameBytes: must be at least maxMessageBytes \(4096\), got 100\ntoken: must be at least 8 characters/);
    await s.stop();
  });

  it('refuses a clash of ports with a sentence, and stop() is idempotent and closes clients with 1001', async () => {
    const { port, server, open } = await setup();
    const second = new FeedServer({ port, log: () => {} });
    await expect(second.start()).rejects.toThrow(`Port ${port} already in use: choose another with --ws-port`);
    await second.stop();
    const c = await open();
    await Promise.all([server.stop(), server.stop()]);
    expect((await c.closed).code).toBe(1001);
    expect(server.clientCount).toBe(0);
    await expect(new Promise((resolve, reject) => net.connect(port, '127.0.0.1').on('connect', resolve).on('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });
});
