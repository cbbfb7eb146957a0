/** Addressing helpers for records: GUIDs, alternate-key segments and OData string literals. */

export type KeyValues = Record<string, string | number>;

export type RecordRef = { kind: 'id'; id: string } | { kind: 'key'; values: KeyValues };

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Characters that make a key value unaddressable in a Dataverse URL, even percent-encoded. */
export const UNADDRESSABLE_KEY_CHARS = /[/<>*%&:\\?+]/;

export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function keyLiteral(value: string | number): string {
  return typeof value === 'number' ? String(value) : encodeURIComponent(odataString(value)).replace(/%27/g, "'");
}

/** `crm_sourceid='X'` or `a='1',b=2`, percent-encoded for use in a URL path. */
export function formatKeySegment(values: KeyValues): string {
  const entries = Object.entries(values);
  if (entries.length === 0) throw new Error('an alternate key needs at least one value');
  return entries.map(([name, v]) => `${name}=${keyLiteral(v)}`).join(',');
}

/** `accounts(<guid>)` for a GUID, `accounts(crm_sourceid='X')` for key values. */
export function recordPath(entitySet: string, idOrKey: string | KeyValues): string {
  if (typeof idOrKey === 'string') {
    if (!isGuid(idOrKey)) throw new Error(`'${idOrKey}' is not a GUID; pass key values as an object`);
    return `${entitySet}(${idOrKey.toLowerCase()})`;
  }
  return `${entitySet}(${formatKeySegment(idOrKey)})`;
}

export class KeySyntaxError extends Error {
  override readonly name = 'KeySyntaxError';
}

/** Parses what stands between the parentheses of an already percent-decoded record segment. */
export function parseKeySegment(text: string): RecordRef {
  const trimmed = text.trim();
  if (isGuid(trimmed)) return { kind: 'id', id: trimmed.toLowerCase() };
  const values: KeyValues = {};
  let i = 0;
  const skipSpaces = () => {
    while (i < trimmed.length && trimmed[i] === ' ') i++;
  };
  while (i < trimmed.length) {
    skipSpaces();
    const eq = trimmed.indexOf('=', i);
    if (eq < 0) throw new KeySyntaxError(`'${text}' is not a key`);
    const name = trimmed.slice(i, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new KeySyntaxError(`'${name}' is not a property name`);
    i = eq + 1;
    skipSpaces();
    if (trimmed[i] === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= trimmed.length) throw new KeySyntaxError(`unterminated string in '${text}'`);
        if (trimmed[i] === "'") {
          if (trimmed[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += trimmed[i++];
      }
      values[name] = value;
    } else {
      const end = trimmed.indexOf(',', i);
      const raw = trimmed.slice(i, end < 0 ? undefined : end).trim();
      i = end < 0 ? trimmed.length : end;
      if (raw === '') throw new KeySyntaxError(`missing value for '${name}'`);
      values[name] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    }
    skipSpaces();
    if (i < trimmed.length) {
      if (trimmed[i] !== ',') throw new KeySyntaxError(`unexpected '${trimmed[i]}' in '${text}'`);
      i++;
    }
  }
  if (Object.keys(values).length === 0) throw new KeySyntaxError('empty key');
  return { kind: 'key', values };
}
