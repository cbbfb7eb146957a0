import * as iconv from 'iconv-lite';

/**
 * Mojibake: UTF-8 text that was read as Windows-1252 once and saved again as UTF-8, so "José" reads "JosÃ©".
 * Each character of the damaged text stands for one byte of the original; when those bytes are valid UTF-8
 * holding at least one multi-byte character, the original is recovered exactly. Windows-1252 leaves five bytes
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D); tools that damage text pass them through as the C1 controls of the
 * same number, so those count as their byte too.
 */

/** A lead byte of a two- to four-byte UTF-8 sequence, as Windows-1252 shows it, followed by a continuation byte. */
const CONTINUATION = '\\u0080-\\u00BF\\u0152\\u0153\\u0160\\u0161\\u0178\\u017D\\u017E\\u0192\\u02C6\\u02DC\\u2013\\u2014\\u2018-\\u201A\\u201C-\\u201E\\u2020-\\u2022\\u2026\\u2030\\u2039\\u203A\\u20AC\\u2122';
export const MOJIBAKE_HINT = new RegExp(`[\\u00C2-\\u00F4][${CONTINUATION}]`);

/** Windows-1252's characters for 0x80-0x9F (iconv-lite's table), by character. */
const CP1252_HIGH: ReadonlyMap<string, number> = (() => {
  const out = new Map<string, number>();
  const bytes = Buffer.alloc(32);
  for (let b = 0; b < 32; b++) bytes[b] = 0x80 + b;
  const text = iconv.decode(bytes, 'win1252');
  for (let b = 0; b < 32; b++) if (text[b] !== '\uFFFD') out.set(text[b], 0x80 + b);
  return out;
})();

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes a text stands for when each character is one Windows-1252 byte; null when one is not. */
function cp1252Bytes(text: string): Buffer | null {
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff) || (c >= 0x80 && c <= 0x9f)) out[i] = c;
    else {
      const b = CP1252_HIGH.get(text[i]);
      if (b === undefined) return null;
      out[i] = b;
    }
  }
  return out;
}

/** The text before it was double-encoded, or null when it is not mojibake (the text as it stands is kept). */
export function repairMojibake(text: string): string | null {
  if (!MOJIBAKE_HINT.test(text)) return null;
  const bytes = cp1252Bytes(text);
  if (bytes === null) return null;
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    return null;
  }
  // text damaged twice is repaired once more
  return decoded === text ? null : (repairMojibake(decoded) ?? decoded);
}

/** What a UTF-8 text looks like after one trip through Windows-1252 (how sample exports damage it). */
export function mojibakeOf(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b < 0x80 || b >= 0xa0) out += String.fromCharCode(b);
    else out += iconv.decode(Buffer.of(b), 'win1252').replace('\uFFFD', String.fromCharCode(b));
  }
  return out;
}
