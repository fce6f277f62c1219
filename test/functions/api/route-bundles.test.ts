/**
 * A route's definition names its response schema by id, so declaring it in the handler module keeps the
 * response schemas (and the route list) out of the function's bundle: only the OpenAPI document builds them.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { API_ROUTES } from '../../../functions/api/routes';
import { esbuildOptions, ONNX_EXTERNALS } from '../../../lib/infra/config/bundling';
import { REPO_ROOT } from '../../../lib/infra/config/functions';

it('bundles no response schema and nothing of functions/api into any API function', async () => {
  const inputs = await Promise.all(
    API_ROUTES.map(async ({ entry }) => {
      const result = await build({
        entryPoints: [path.join(REPO_ROOT, entry)],
        ...esbuildOptions(REPO_ROOT),
        external: ONNX_EXTERNALS,
        outdir: path.join(REPO_ROOT, 'bench-results', 'route-bundles'),
        write: false,
        metafile: true,
        logLevel: 'error',
      });
      // What the bundle carries: modules esbuild parsed but dropped whole (unused exports) add no bytes.
      const carried = Object.values(result.metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([file]) => file),
      );
      return { entry, inputs: carried };
    }),
  );
  for (const { entry, inputs: files } of inputs) {
    expect(files).toContain(entry);
    expect({ entry, leaked: files.filter((f) => /response-schemas|^functions\/api\//.test(f)) }).toEqual({
      entry,
      leaked: [],
    });
  }
}, 180_000);
