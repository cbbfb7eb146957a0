import { Errors } from './dataverse-http.error';

/** Where a request points inside the Web API: path segments (decoded) and query options (decoded, '+' kept). */
export interface ServiceTarget {
  segments: string[];
  query: Map<string, string>;
  rawQuery: string;
}

const SERVICE_PREFIX = /^\/api\/data\/v\d+(\.\d+)?\//i;

/** Splits on '/' outside quoted key values. */
function splitSegments(path: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of path) {
    if (ch === "'") quoted = !quoted;
    if (ch === '/' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.filter((s) => s !== '');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw Errors.badRequest(`The request URI '${text}' is not valid: malformed percent-encoding.`);
  }
}

export function parseQuery(raw: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    query.set(name, eq < 0 ? '' : decode(pair.slice(eq + 1)));
  }
  return query;
}

/**
 * Accepts the URL forms clients use: absolute (`http://host/api/data/v9.2/accounts`), server-relative
 * (`/api/data/v9.2/accounts`) and service-relative (`accounts`).
 */
export function parseServiceUrl(url: string, serviceRootPath: string): ServiceTarget {
  let path = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length) || '/';
  const q = path.indexOf('?');
  const rawQuery = q < 0 ? '' : path.slice(q + 1);
  path = q < 0 ? path : path.slice(0, q);
  if (path.startsWith('/')) {
    const prefixed = `${serviceRootPath.replace(/\/+$/, '')}/`;
    if (path.startsWith(prefixed)) path = path.slice(prefixed.length);
    else if (SERVICE_PREFIX.test(path)) path = path.replace(SERVICE_PREFIX, '');
    else throw Errors.resourceNotFound(path);
  }
  return { segments: splitSegments(decode(path)), query: parseQuery(rawQuery), rawQuery };
}
