// A client that never reads must not make the server's memory grow: while large frames are
// broadcast for a while, its backlog stays under the limit, only the latest state frames are kept,
// and when it reads again it is told how many frames it missed.
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { buildMeter, buildStatus, type LiveLoudness } from '../../src/transport/ws/protocol.js';
import { FeedServer } from '../../src/transport/ws/server.js';
import { sleep, TestClient, type Msg } from './wsHelpers.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const LIMIT = 256 * 1024;
const FRAME = 128 * 1024;
const FRAMES = 2000; // 256 MB in all

const loudness: LiveLoudness = {
  integratedLufs: -14, loudnessRangeLu: 6, momentaryLufs: -13, shortTermLufs: -14, momentaryMaxLufs: -10, shortTermMaxLufs: -12,
  truePeakDbtp: -1, samplePeakDbfs: -1.2, rmsDbfs: -16, crestDb: 14, plrDb: 13, psrDb: 11, durationSec: 10, channels: [],
};

/** A raw TCP client that completes the WebSocket upgrade and then never reads again. */
function rawNonReader(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`GET /feed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    s.once('data', (d) => {
      if (!String(d).startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${String(d).split('\r\n')[0]}`));
      s.pause();
      resolve(s);
    });
    s.on('error', () => {});
  });
}

it('bounds what a never-reading client costs, and tells it what it missed when it reads again', async () => {
  const server = new FeedServer({ port: 0, maxBufferedBytes: LIMIT, log: () => {}, heartbeatSec: 0 });
  cleanup.push(() => server.stop());
  const { port } = await server.start();
  const url = `ws://127.0.0.1:${port}/feed`;
  const paused = await TestClient.open(url, undefined, true);
  const reader = await TestClient.open(url, undefined, true);
  cleanup.push(() => paused.close(), () => reader.close());
  await paused.next('hello');
  await reader.next('hello');
  const raw = await rawNonReader(port);
  cleanup.push(() => raw.destroy());
  (paused.ws as unknown as { _socket: net.Socket })._socket.pause();

  const pad = 'x'.repeat(FRAME);
  const mem0 = process.memoryUsage();
  let maxBacklog = 0, maxQueued = 0, maxQueuedBytes = 0, maxHeapGrowth = 0;
  for (let i = 0; i < FRAMES; i++) {
    const msg = i % 2 === 0 ? { ...buildMeter(i, loudness), seq: i, pad } : { ...buildStatus({ t: i, message: pad }), seq: i };
    server.broadcast(msg);
    if (i % 2 === 1) await sleep(1); // a pace the reading client keeps up with
    if (i % 50 === 0) {
      for (const s of server.clientStats()) {
        maxBacklog = Math.max(maxBacklog, s.bufferedBytes);
        maxQueued = Math.max(maxQueued, s.queuedFrames);
        maxQueuedBytes = Math.max(maxQueuedBytes, s.queuedBytes);
      }
      const m = process.memoryUsage();
      maxHeapGrowth = Math.max(maxHeapGrowth, m.heapUsed + m.arrayBuffers - mem0.heapUsed - mem0.arrayBuffers);
    }
  }
  const stats = server.stats();
  // Two never-reading clients, 256 MB broadcast: each holds at most the limit + one frame, and one kept frame per type.
  expect(stats.slowClients).toBe(2);
  expect(maxBacklog).toBeLessThanOrEqual(LIMIT + FRAME + 1024);
  expect(maxQueued).toBeLessThanOrEqual(2);
  expect(maxQueuedBytes).toBeLessThanOrEqual(2 * (FRAME + 1024));
  expect(maxHeapGrowth).toBeLessThan(160 * 1024 * 1024); // unbounded, this run grows by over 250 MB (garbage included)
  expect(stats.droppedTotal).toBeGreaterThan(FRAMES);

  // The reading client got every frame, in order.
  await reader.next((m) => m.seq === FRAMES - 1, 10_000);
  const seqs = reader.messages.filter((m) => typeof m.seq === 'number').map((m) => m.seq as number);
  expect(seqs).toEqual(Array.from({ length: FRAMES }, (_, i) => i));

  // The paused client reads again: a notice with the count, then the latest meter and status.
  (paused.ws as unknown as { _socket: net.Socket })._socket.resume();
  const notice = await paused.next('notice', 10_000);
  expect(notice).toMatchObject({ code: 'DROPPED', message: expect.stringMatching(/^\d+ frames were not sent because this client read too slowly; the latest (meter, status|status, meter) follow\.$/) });
  expect(notice.dropped as number).toBeGreaterThan(FRAMES / 2);
  const lastMeter = await paused.next((m: Msg) => m.type === 'meter' && m.seq === FRAMES - 2, 10_000);
  const lastStatus = await paused.next((m: Msg) => m.type === 'status' && m.seq === FRAMES - 1, 10_000);
  expect(lastMeter && lastStatus).toBeTruthy();
  const received = paused.messages.filter((m) => typeof m.seq === 'number').length;
  expect(received + (notice.dropped as number)).toBe(FRAMES);
  // Now it keeps up again: the next frame arrives as it is sent.
  server.broadcast(buildStatus({ t: 0, message: 'after' }));
  expect(await paused.next((m) => m.type === 'status' && m.message === 'after')).toBeTruthy();
  expect(server.stats().slowClients).toBe(1); // the raw client still never reads
}, 60_000);
