import secureJson from 'secure-json-parse';
import { problems } from '../problem';
import { unacceptableInput } from './text';

interface Container {
  path: string[];
  /** the keys seen so far, for an object */
  keys?: Set<string>;
  /** the key or index the next value goes under */
  at: string;
}

/**
 * The path of the first key that occurs twice in one object of `json`, which must be valid JSON. JSON.parse keeps
 * the last of the duplicates, so `{"amount":1,"amount":2}` would silently mean something the client did not see.
 */
export function duplicateKey(json: string): string | undefined {
  const stack: Container[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (top?.keys && expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return [...top.path, key].join('.');
        top.keys.add(key);
        top.at = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const path = top ? [...top.path, top.at] : [];
      stack.push(c === '{' ? { path, keys: new Set(), at: '' } : { path, at: '0' });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.keys) expectKey = true;
      else top.at = String(Number(top.at) + 1);
    }
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A request body as JSON, refusing what JSON.parse would accept but a client cannot have meant: bytes that are not
 * UTF-8, a key twice in one object, prototype keys (`__proto__`, `constructor`, `prototype`), and strings
 * PostgreSQL cannot store. Each refusal is a 400 that names the field.
 */
export function parseJsonBody(raw: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw problems.badRequest('the body is not valid UTF-8; send JSON encoded as UTF-8');
  }
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (!(error instanceof SyntaxError) || !/forbidden/.test(error.message)) {
      throw problems.badRequest(`the body is not valid JSON: ${(error as Error).message}`);
    }
    value = JSON.parse(text);
  }
  const duplicate = duplicateKey(text);
  if (duplicate !== undefined) {
    throw problems.validation([
      { field: duplicate, message: 'appears twice in one object; send each key once' },
    ]);
  }
  const unacceptable = unacceptableInput(value);
  if (unacceptable) throw problems.validation([unacceptable]);
  return value;
}
