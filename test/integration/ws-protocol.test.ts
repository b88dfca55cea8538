// The protocol's pure side (no sockets): parsing, builders, and the checked-in JSON Schema.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareToTarget } from '../../src/reference/compare.js';
import { SuggestionBoard } from '../../src/suggest/board.js';
import {
  buildAck, buildError, buildHello, buildMeter, buildNotice, buildProfile, buildStatus, buildSuggestions, compactComparison, parseInbound, PROTOCOL_VERSION,
} from '../../src/transport/ws/protocol.js';
import { PROTOCOL_SCHEMA_PATH, protocolJsonSchema, protocolJsonSchemaText } from '../../src/transport/ws/protocolJsonSchema.js';
import { OutboundMessageSchema } from '../../src/transport/ws/protocolSchemas.js';
import { ROOT } from '../helpers/cli.js';
import { balancedRefs, targetOf, track } from '../unit/suggest/fixtures.js';
import { eq, gain, note } from '../unit/suggest/boardFixtures.js';

describe('parseInbound', () => {
  it('accepts the two message forms', () => {
    expect(parseInbound('{"v":1,"type":"command","id":"a","command":"approve","key":"eq:master:x"}')).toEqual({
      ok: true, msg: { v: 1, type: 'command', id: 'a', command: 'approve', key: 'eq:master:x' },
    });
    expect(parseInbound('{"v":1,"type":"ping"}')).toEqual({ ok: true, msg: { v: 1, type: 'ping' } });
  });

  it('names the problem, keeps the id it could read, and never throws', () => {
    expect(parseInbound('{"v":2,"type":"ping","id":9}')).toMatchObject({ ok: false, code: 'BAD_VERSION', id: 9, message: expect.stringMatching(/version 2 is not supported; this server speaks version 1/) });
    expect(parseInbound('{"v":1,"type":"command","command":"approve"}')).toMatchObject({ ok: false, code: 'BAD_MESSAGE', message: expect.stringMatching(/^The command message is malformed: key: .*Accepted forms/) });
    expect(parseInbound('{"v":1,"command":"approve"}')).toMatchObject({ code: 'UNKNOWN_TYPE', message: expect.stringMatching(/no "type"/) });
    const weird = ['', ' ', 'null', '1', '"x"', 'true', '[]', '{}', '{"v":1}', '{"v":1,"type":null}', '{"__proto__":{"v":1}}', '{"v":1,"type":"command","command":{"x":1},"key":"k"}',
      '{"v":1,"type":"command","command":"approve","key":""}', `{"v":1,"type":"ping","id":"${'x'.repeat(100)}"}`, '\u0000', '{"v":1,"type":"ping"}garbage', '{'.repeat(10000)];
    for (const text of weird) {
      const r = parseInbound(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.message.length).toBeGreaterThan(20);
    }
  });
});

describe('outbound builders', () => {
  it('build messages that match the schema', () => {
    const mix = track({ lufs: -16, midShape: (hz) => (hz > 4000 ? -3 : 0) });
    const refs = balancedRefs();
    const comparison = compactComparison(compareToTarget(mix, targetOf(refs)), 'window');
    expect(comparison.tonal.length).toBeGreaterThan(25);
    expect(comparison.tonal.find((r) => r.centerHz === 8000)!.mixDb! - comparison.tonal.find((r) => r.centerHz === 8000)!.meanDb!).toBeCloseTo(-3, 0);
    expect(comparison.features.map((f) => f.feature)).toContain('integratedLufs');
    expect(comparison.features.some((f) => f.feature.startsWith('width.'))).toBe(false);
    const board = new SuggestionBoard({ appearEvaluations: 1, appearSec: 0 });
    board.update([eq(250, -3), gain(1), note()], 0);
    const { nonFiniteSamples: _n, ...loudness } = { ...mix.loudness, momentaryLufs: -15, shortTermLufs: -16, nonFiniteSamples: 0 };
    const messages = [
      buildHello({ server: { name: 'ama', version: '0.1.0' }, source: { kind: 'device', name: 'BlackHole 2ch', sampleRateHz: 48000, channels: 2 }, references: [{ name: 'a.wav' }], maxMessageBytes: 4096 }),
      buildStatus({ t: 1.5, device: 'BlackHole 2ch', overruns: 2 }),
      buildMeter(1.5, { ...loudness, nonFiniteSamples: 0 }, { correlation: 0.8, balanceDb: 0.1, sideToMidDb: -9 }),
      buildProfile({ t: 2, windowSec: 30, window: mix.profile, session: mix.profile, comparison }),
      buildSuggestions(board.items(), board.revision),
      buildAck('x', 'approve', 'k', 'approved'), buildAck(undefined, 'ping'),
      buildError(3, 'UNKNOWN_KEY', 'No suggestion with key "k".'), buildNotice('DROPPED', '3 frames were not sent.', 3),
    ];
    for (const m of messages) {
      expect(m.v).toBe(PROTOCOL_VERSION);
      expect(OutboundMessageSchema.safeParse(JSON.parse(JSON.stringify(m))).error?.issues ?? [], m.type).toEqual([]);
    }
    expect('nonFiniteSamples' in (messages[2] as ReturnType<typeof buildMeter>).loudness).toBe(false);
  });
});

describe('protocol.schema.json', () => {
  it('matches the zod schemas (regenerate: npm run build && node dist/src/transport/ws/protocolJsonSchema.js)', () => {
    const file = path.join(ROOT, PROTOCOL_SCHEMA_PATH);
    expect(fs.readFileSync(file, 'utf8')).toBe(protocolJsonSchemaText());
  });

  it('describes every message type under $defs', () => {
    const schema = protocolJsonSchema() as { $defs: Record<string, { properties?: { type?: { const?: string } } }> };
    const types = Object.values(schema.$defs).map((d) => d.properties?.type?.const).filter(Boolean).sort();
    expect(types).toEqual(['ack', 'command', 'error', 'hello', 'meter', 'notice', 'ping', 'profile', 'status', 'suggestions']);
    expect(Object.keys(schema.$defs)).toContain('MixProfile');
  });
});
