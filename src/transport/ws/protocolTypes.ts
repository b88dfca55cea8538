/**
 * The feed protocol, version 1: JSON text frames, one message each, every message with `v` and
 * `type`. The same messages go to WebSocket clients and to `ama listen --no-dashboard --json`
 * (one per line). The zod schemas in protocolSchemas.ts are the source of truth for every message
 * (inbound strict, outbound open: clients ignore fields they do not know); protocol.ts parses and
 * builds them; protocol.schema.json is the JSON Schema generated from them for client authors.
 *
 * Server -> client:
 *   hello        once per connection: server name and version, the source, the references, the
 *                commands accepted and the largest inbound message answered (bytes); then the
 *                latest status, profile, suggestions and meter, so a new client starts complete
 *   status       1 Hz: t, device, rate, channels, capture state, overruns, clients, CPU share, RSS,
 *                separator, message
 *   meter        10 Hz: t (s since start) and `loudness` with the field names of `ama analyze --json`
 *                plus momentaryLufs / shortTermLufs (the current values); optional `stereo`
 *                (correlation, balanceDb, sideToMidDb)
 *   profile      every 1-2 s: the sliding-window and session profiles (MixProfile) and the compact
 *                comparison with the references (1/3-octave mid balance vs the references' mean and
 *                range, and the scalar features)
 *   suggestions  when the board changes: { revision, items } (ranked BoardItems with state)
 *   ack          reply to a command or ping: { id, command, key?, state? }
 *   error        reply to a bad message or refused command: { id, code, message }; nothing else
 *                happened. Codes: BAD_JSON, BAD_MESSAGE, BAD_VERSION, UNKNOWN_TYPE, UNKNOWN_COMMAND,
 *                TOO_LARGE, BINARY, UNKNOWN_KEY, BAD_STATE, UNAUTHORIZED, FORBIDDEN_ORIGIN,
 *                BUSY, NO_HANDLER, INTERNAL
 *   notice       { code, message, dropped? }: DROPPED (frames not sent because the client read too
 *                slowly; the latest state frames follow), SHUTDOWN, INFO
 * Client -> server:
 *   command      { v: 1, type: 'command', id?, command: 'approve' | 'reject' | 'undo', key }
 *   ping         { v: 1, type: 'ping', id? } -> ack with command 'ping'
 *   `id` is a string of up to 64 characters or an integer, echoed in the reply.
 * Connection: ws://127.0.0.1:8787/feed by default (any path upgrades); a token, when set, goes in
 * `?token=` or `Authorization: Bearer`. Close codes: 4401 no or wrong token, 4403 a browser page
 * from another origin, 1013 too many clients, 1009 a frame over the hard limit (64 KiB), 1001
 * server shutting down.
 */
export const PROTOCOL_VERSION = 1;
