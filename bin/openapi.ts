/** `npm run openapi [-- <file>]`: writes the OpenAPI document (default docs/openapi.json). */
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../functions/api/openapi';

const file = process.argv[2] ?? 'docs/openapi.json';
void writeFile(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`).then(() =>
  console.log(`wrote ${file}`),
);
