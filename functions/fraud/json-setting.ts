import type * as z from 'zod';

/**
 * A setting given as JSON in the environment variable `name` (the CDK config sets it), checked against `schema`.
 * A value that does not parse is a configuration error: it throws, naming the variable and what is wrong.
 */
export function jsonSetting<T>(name: string, raw: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${name} is not JSON: ${raw}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${name} ${raw}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'} ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
