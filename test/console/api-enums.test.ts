/** The console's enums are the OpenAPI document's: `npm run openapi` writes them, and this fails when they drift. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_ENUMS_FILE, clientEnumsModule, paymentStatusesOf } from '../../functions/api/client-enums';
import { openApiDocument } from '../../functions/api/openapi';
import { PAYMENT_STATUSES } from '../../functions/domain/payment-status';

const ROOT = path.resolve(__dirname, '..', '..');

it('console/src/generated/api-enums.ts is what npm run openapi writes from the document today', () => {
  const committed = readFileSync(path.join(ROOT, CLIENT_ENUMS_FILE), 'utf8');
  // On a difference: run `npm run openapi` and commit the module it writes.
  expect(committed).toBe(clientEnumsModule());
});

it("takes a payment's statuses from the document, which lists the domain's", () => {
  expect(paymentStatusesOf(openApiDocument())).toEqual([...PAYMENT_STATUSES]);
});

it('refuses a document whose GET /payments filter lists other statuses than a payment has', () => {
  const document = structuredClone(openApiDocument()) as {
    paths: Record<string, { get: { parameters: { name: string; schema: { enum: string[] } }[] } }>;
  };
  const filter = document.paths['/payments']!.get.parameters.find((p) => p.name === 'status')!;
  filter.schema.enum = filter.schema.enum.filter((s) => s !== 'held');
  expect(() => paymentStatusesOf(document)).toThrow(
    /GET \/payments filters by pending, approved, in_review, failed/,
  );
});
