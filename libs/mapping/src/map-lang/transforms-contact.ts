import { CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { show, TransformError } from './errors';
import { define, TransformContext } from './transform-types';
import { asText } from './transforms-text';

type OnInvalid = 'reject' | 'keep' | 'null';

const onInvalid = (fallback: OnInvalid) => z.enum(['reject', 'keep', 'null']).default(fallback);

/**
 * What happens to a value that is not a valid phone, email or URL: it is always reported, then kept as it
 * was written (trimmed), dropped to null, or the record is rejected.
 */
function invalid(
  policy: OnInvalid,
  code: string,
  kind: string,
  value: unknown,
  kept: string,
  why: string,
  ctx: TransformContext,
): string | null {
  ctx.report?.({ kind, value, detail: why });
  if (policy === 'keep') return kept;
  if (policy === 'null') return null;
  throw new TransformError(code, `${ctx.target}: ${show(value)} ${why}; correct it at the source, or set onInvalid to keep or null`, {
    value: show(value),
  });
}

export const phone = define({
  name: 'phone',
  doc:
    'A phone number in E.164 (+15551234567), national numbers read in `defaultCountry` (default US); an invalid number is reported, then ' +
    'kept as written, nulled or rejected per onInvalid (default keep). An extension is dropped and reported.',
  args: z
    .object({
      defaultCountry: z
        .string()
        .refine((c) => isSupportedCountry(c), (c) => ({ message: `${show(c)} is not an ISO 3166 alpha-2 country code with phone numbering, such as US, GB or TR` }))
        .default('US'),
      onInvalid: onInvalid('keep'),
    })
    .strict()
    .default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    const text = asText('phone', value, ctx).trim();
    if (text === '') return null;
    ctx.sourceKind = 'string';
    const parsed = parsePhoneNumberFromString(text, args.defaultCountry as CountryCode);
    if (!parsed || !parsed.isValid()) {
      return invalid(args.onInvalid, 'INVALID_PHONE', 'invalid-phone', value, text, `is not a valid phone number (read with default country ${args.defaultCountry})`, ctx);
    }
    if (parsed.ext) ctx.report?.({ kind: 'phone-extension-dropped', value, detail: parsed.ext });
    return parsed.number;
  },
});

// Deliberately loose: one @, no spaces, a dotted domain with a 2+ letter top level. RFC 5322 accepts far more
// than any CRM does.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@(?:[^\s@"(),:;<>[\]\\.]+\.)+[^\s@"(),:;<>[\]\\.\d]{2,}$/u;

export const email = define({
  name: 'email',
  doc:
    'An email address trimmed and lower-cased ("Ana <ANA@X.COM>" and mailto: forms unwrapped); an invalid one is reported, then nulled, kept ' +
    'or rejected per onInvalid (default null).',
  args: z.object({ onInvalid: onInvalid('null') }).strict().default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    let text = asText('email', value, ctx).trim();
    if (text === '') return null;
    ctx.sourceKind = 'string';
    const angled = /<([^<>]*)>\s*$/.exec(text);
    if (angled) text = angled[1].trim();
    text = text.replace(/^mailto:/i, '').toLowerCase();
    const local = text.slice(0, text.lastIndexOf('@'));
    if (EMAIL.test(text) && text.length <= 254 && local.length <= 64 && !/\.\.|^\.|\.@/.test(text)) return text;
    return invalid(args.onInvalid, 'INVALID_EMAIL', 'invalid-email', value, text, 'is not a valid email address', ctx);
  },
});

const HOST = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]*$/u;

export const url = define({
  name: 'url',
  doc: 'A web address with its scheme: a bare domain gets https:// ("acme.com/x" → "https://acme.com/x"), http(s) kept; not an address → onInvalid (default keep).',
  args: z.object({ onInvalid: onInvalid('keep') }).strict().default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    const text = asText('url', value, ctx).trim();
    if (text === '') return null;
    ctx.sourceKind = 'string';
    let candidate = text;
    if (candidate.startsWith('//')) candidate = `https:${candidate}`;
    else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) candidate = `https://${candidate}`;
    let parsed: URL | null = null;
    try {
      parsed = new URL(candidate);
    } catch {
      parsed = null;
    }
    const hostPart = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)/i.exec(candidate)?.[1] ?? '';
    if (!parsed || !/^https?:$/.test(parsed.protocol) || !HOST.test(hostPart) || /\s/.test(candidate)) {
      return invalid(args.onInvalid, 'INVALID_URL', 'invalid-url', value, text, 'is not a web address', ctx);
    }
    return candidate.replace(/^https?:/i, (scheme) => scheme.toLowerCase());
  },
});
