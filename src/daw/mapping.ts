import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AmaError } from '../util/errors.js';
import { MappingSchema, type Mapping } from './mappingSchema.js';

/** The mappings ama ships, by DAW name. */
export const BUILTIN_MAPPINGS = ['reaper', 'ableton', 'ardour'] as const;

/** The folder of the shipped mappings (mappings/ at the package root, from src/ or dist/src/). */
export function mappingsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (fs.existsSync(path.join(dir, 'mappings', 'ardour.json'))) return path.join(dir, 'mappings');
    dir = path.dirname(dir);
  }
  return path.resolve('mappings');
}

/** Every problem of a parsed mapping as `path: message` lines (empty when valid). */
export function mappingProblems(data: unknown): string[] {
  const r = MappingSchema.safeParse(data);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
}

/** Validates parsed JSON as a mapping; throws AmaError BAD_MAPPING listing every problem as `path: message`. */
export function parseMapping(data: unknown, source = 'the mapping'): Mapping {
  const r = MappingSchema.safeParse(data);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
  throw new AmaError('BAD_MAPPING', `${source} is not a valid DAW mapping (${r.error.issues.length} problem${r.error.issues.length === 1 ? '' : 's'}); fix these and start again:\n${lines.join('\n')}`);
}

/**
 * Loads a mapping: `reaper`, `ableton`, `ardour` (the shipped files) or a path to a JSON file.
 * Throws AmaError BAD_MAPPING with every problem, or FILE_NOT_FOUND naming the choices.
 */
export function loadMapping(nameOrPath: string): Mapping {
  const builtin = (BUILTIN_MAPPINGS as readonly string[]).includes(nameOrPath);
  const file = builtin ? path.join(mappingsDir(), `${nameOrPath}.json`) : path.resolve(nameOrPath);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AmaError('FILE_NOT_FOUND', `No DAW mapping "${nameOrPath}": use ${BUILTIN_MAPPINGS.join(', ')} or the path of a mapping JSON file.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AmaError('BAD_MAPPING', `${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file and start again.`);
  }
  return parseMapping(data, file);
}

/** The mapping schema as JSON Schema (draft 2020-12), for editors; mappings/schema.json is this text. */
export function mappingJsonSchemaText(): string {
  const body = z.toJSONSchema(MappingSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  const doc = {
    $schema, $id: 'ama-daw-mapping-v1', title: 'ama DAW mapping, version 1',
    description: 'One file per DAW in mappings/. Generated from src/daw/mappingSchema.ts (npm run build && node dist/src/daw/mappingJsonSchema.js); do not edit.',
    ...rest,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
