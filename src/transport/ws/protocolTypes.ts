/**
 * The feed protocol, version 1: JSON text frames, one message each, every message with `v` and
 * `type`. The same messages go to WebSocket clients and to `ama listen --no-dashboard --json`
 * (one per line). The zod schemas (src/transport/ws/protocol.ts) are the source of truth for
 * inbound messages; these types document the outbound ones.
 *
 * Server -> client:
 *   hello        once per connection: server name and version, protocol version, the source, references
 *   status       1 Hz: device, rate, channels, capture state, overruns, clients, CPU share, separator
 *   meter        10 Hz: t (s since start) and `loudness` with the field names of `ama analyze --json`
 *                plus momentaryLufs / shortTermLufs (the current values)
 *   profile      every 1-2 s: the sliding-window and session profiles (MixProfile) and the compact
 *                comparison with the references
 *   suggestions  when the board changes: ranked items with state
 *   ack          reply to a command: { id, command, key, state }
 *   error        reply to a bad message or refused command: { id?, code, message }
 *   notice       a sentence for the client, e.g. that frames were dropped because it reads too slowly
 * Client -> server:
 *   command      { v: 1, type: 'command', id?, command: 'approve' | 'reject' | 'undo', key }
 *   ping         { v: 1, type: 'ping', id? } -> ack
 */
export const PROTOCOL_VERSION = 1;
