import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardCommand, BoardItem } from '../../src/suggest/boardTypes.js';
import { SurfaceFeed } from '../../src/transport/osc/surface.js';
import { run, skipWithout } from '../helpers/cli.js';
import { freeUdpPort } from './ardourRig.js';

// The control-surface feed with liblo's oscdump as the independent listener (it prints every
// message with its type tags) and oscsend as the surface sending commands.

const skip = await skipWithout('oscdump', 'oscsend');

describe.skipIf(skip)('control-surface feed over OSC (oscdump, oscsend)', () => {
  let dump: ChildProcess;
  let out = '';
  let feed: SurfaceFeed;
  const commands: Array<[BoardCommand, string]> = [];
  const logs: string[] = [];

  beforeAll(async () => {
    const port = await freeUdpPort();
    dump = spawn('oscdump', ['-L', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    dump.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await new Promise((r) => setTimeout(r, 300));
    feed = new SurfaceFeed({
      target: { host: '127.0.0.1', port }, listenPort: 0, log: (l) => logs.push(l),
      onCommand: (cmd, key) => {
        commands.push([cmd, key]);
        return key === 'loudness:master:gain' ? { ok: true, key, state: 'approved' } : { ok: false, key, code: 'UNKNOWN_KEY', message: 'No suggestion with that key.' };
      },
    });
    await feed.start();
  });

  afterAll(async () => {
    await feed?.stop();
    dump?.kill();
  });

  const waitFor = async (ok: () => boolean, what: string) => {
    const end = Date.now() + 3000;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; oscdump printed:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('sends the top proposals as text and the meters as floats', async () => {
    const items = [{ suggestion: { key: 'loudness:master:gain', agent: 'loudness', scope: 'master', kind: 'gain', params: { gainDb: -2 }, confidence: 1, rationale: '', evidence: {} }, state: 'proposed', sinceMs: 0, stableForSec: 3, rank: 1 }] as BoardItem[];
    feed.suggestions(items);
    feed.meter({ momentaryLufs: -14, shortTermLufs: -15, integratedLufs: -16, truePeakDbtp: -1 }, 10_000);
    await waitFor(() => out.includes('/ama/meter/truepeak'), 'the meters');
    expect(out).toMatch(/\/ama\/suggestion\/count i 1/);
    expect(out).toMatch(/\/ama\/suggestion\/1\/text s "Gain -2 dB"/);
    expect(out).toMatch(/\/ama\/suggestion\/1\/key s "loudness:master:gain"/);
    expect(out).toMatch(/\/ama\/suggestion\/1\/state s "proposed"/);
    expect(out).toMatch(/\/ama\/meter\/momentary f -14(\.0+)?/);
    expect(out).toMatch(/\/ama\/meter\/integrated f -16/);
  });

  it('accepts /ama/approve by key and by row number; ignores malformed input and keeps running', async () => {
    await run('oscsend', ['127.0.0.1', String(feed.port), '/ama/approve', 's', 'loudness:master:gain']);
    await run('oscsend', ['127.0.0.1', String(feed.port), '/ama/undo', 'i', '1']);
    await run('oscsend', ['127.0.0.1', String(feed.port), '/ama/reject', 'f', '2.5']);
    await run('oscsend', ['127.0.0.1', String(feed.port), '/ama/launch', 's', 'x']);
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 1]), feed.port!, '127.0.0.1', () => r()));
    s.close();
    await waitFor(() => logs.length >= 3, 'three ignored messages');
    expect(commands).toEqual([['approve', 'loudness:master:gain'], ['undo', 'loudness:master:gain']]);
    expect(logs.join('\n')).toMatch(/ignored a message .*\/ama\/reject: argument must be a suggestion key/);
    expect(logs.join('\n')).toMatch(/unknown address \/ama\/launch/);
    expect(logs.join('\n')).toMatch(/malformed OSC packet/);
    await run('oscsend', ['127.0.0.1', String(feed.port), '/ama/approve', 's', 'loudness:master:gain']);
    await waitFor(() => commands.length === 3, 'the feed to still answer');
  });
});
