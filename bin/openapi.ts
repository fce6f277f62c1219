/**
 * `npm run openapi [-- <file>]`: writes the OpenAPI document (default docs/openapi.json) and the console's module of
 * its enums (console/src/generated/api-enums.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLIENT_ENUMS_FILE, clientEnumsModule } from '../functions/api/client-enums';
import { openApiDocument } from '../functions/api/openapi';

async function main(): Promise<void> {
  const file = process.argv[2] ?? 'docs/openapi.json';
  const document = openApiDocument();
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${file}`);
  await mkdir(path.dirname(CLIENT_ENUMS_FILE), { recursive: true });
  await writeFile(CLIENT_ENUMS_FILE, clientEnumsModule(document));
  console.log(`wrote ${CLIENT_ENUMS_FILE}`);
}

void main();
