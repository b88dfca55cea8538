import fs from 'node:fs';
import path from 'node:path';
import { mappingJsonSchemaText, mappingsDir } from './mapping.js';

/** Regenerates mappings/schema.json from the zod schema: `npm run build && node dist/src/daw/mappingJsonSchema.js`. */
const out = path.join(mappingsDir(), 'schema.json');
fs.writeFileSync(out, mappingJsonSchemaText());
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
