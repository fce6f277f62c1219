import { problems } from '../problem';

/** A percent-encoded path segment, decoded; malformed encoding (`%`, `%E0%A4%A`) is the client's 400. */
export function decodePathSegment(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw problems.validation([
      {
        field: `path.${name}`,
        message: 'is not valid percent-encoded UTF-8; encode it with encodeURIComponent',
      },
    ]);
  }
}
