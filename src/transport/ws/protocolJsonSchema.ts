import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { InboundMessageSchema, OutboundMessageSchema, SCHEMA_IDS } from './protocolSchemas.js';
import { PROTOCOL_VERSION } from './protocolTypes.js';

/**
 * The feed protocol as a JSON Schema (draft 2020-12) for client authors, generated from the zod
 * schemas. The checked-in copy, src/transport/ws/protocol.schema.json, is regenerated with
 * `npm run build && node dist/src/transport/ws/protocolJsonSchema.js` (from the repository root);
 * a test fails when it is stale.
 */

/** Where the checked-in schema lives, relative to the repository root. */
export const PROTOCOL_SCHEMA_PATH = 'src/transport/ws/protocol.schema.json';

/** The protocol's JSON Schema: any feed message, each message type under $defs. */
export function protocolJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of SCHEMA_IDS) registry.add(schema, { id });
  const any = z.union([InboundMessageSchema, OutboundMessageSchema]);
  const body = z.toJSONSchema(any, { metadata: registry, target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  return {
    $schema,
    $id: `ama-feed-protocol-v${PROTOCOL_VERSION}`,
    title: `ama feed protocol, version ${PROTOCOL_VERSION}`,
    description: 'JSON text frames, one message each. ClientMessage: what a client sends; ServerMessage: what the server sends. '
      + 'Clients must ignore fields they do not know. Generated from src/transport/ws/protocolSchemas.ts; do not edit.',
    ...rest,
  };
}

/** The schema file's exact text (2-space JSON and a final newline). */
export function protocolJsonSchemaText(): string {
  return `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`;
}

/** Writes the schema file (default: PROTOCOL_SCHEMA_PATH under the current directory); returns its path. */
export function writeProtocolJsonSchema(file = path.resolve(PROTOCOL_SCHEMA_PATH)): string {
  fs.writeFileSync(file, protocolJsonSchemaText());
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const out = writeProtocolJsonSchema(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out) || fileURLToPath(import.meta.url)}\n`);
}
