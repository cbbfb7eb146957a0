import { DEMO_USERS } from '@ferry/demo';
import { PROFI_FILES_DIR, type ProfiExportStream } from '../profi.catalog';
import { ProfiRandom } from './profi-sample.random';
import * as V from './profi-sample.vocabulary';
import { formatPhone, respellPhone } from './profi-sample.values';

/**
 * The facts of a Profi sample that rows share: ids, who coaches whom, which enrollment a session belongs to,
 * which files a note embeds. Each is a function of (seed, index) alone, so a row can look up its parent
 * without the generator holding earlier rows: memory stays flat at any size.
 */

/** Independent random topics: a row of stream X draws from (seed, topic X, index). */
export const T = {
  company: 1,
  coach: 2,
  client: 3,
  program: 4,
  enrollment: 5,
  session: 6,
  payment: 7,
  note: 8,
  attachment: 9,
  identity: 10,
  clientLinks: 11,
  programInfo: 12,
  enrollmentLinks: 13,
  sessionLinks: 14,
  noteLinks: 15,
  attachmentInfo: 16,
  coachInfo: 17,
  customField: 18,
  reminderSequence: 19,
  /** malformed rows of the export stream at position k of PREFIX draw from topic malformed + k */
  malformed: 20,
} as const;

export const PREFIX: Record<ProfiExportStream, string> = {
  company: 'CO',
  coach: 'ST',
  client: 'CL',
  program: 'PR',
  enrollment: 'EN',
  session: 'SE',
  payment: 'PA',
  note: 'NO',
  attachment: 'FI',
};
export const id = (stream: ProfiExportStream, index: number) => `${PREFIX[stream]}-${String(index + 1).padStart(7, '0')}`;
export const malformedId = (stream: ProfiExportStream, m: number) => `${PREFIX[stream]}-M${String(m + 1).padStart(6, '0')}`;

/** Good rows per exported stream: what children may reference. */
export type Good = Record<ProfiExportStream, number>;

export interface Shape {
  seed: number;
  good: Good;
}

const FIRST_CREATED = Date.UTC(2019, 2, 1);
const LAST_CREATED = Date.UTC(2025, 8, 30);
export const EXPORTED_AT = Date.UTC(2025, 9, 15, 6, 30);

function ascii(s: string): string {
  let out = '';
  for (const ch of s) out += V.RESPELLINGS[ch] ?? ch;
  return out
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '');
}
export const slug = (s: string) => ascii(s).toLowerCase();

export function createdUpdated(rng: ProfiRandom, notBefore = FIRST_CREATED): [number, number] {
  const created = notBefore + rng.int(Math.max(1, (LAST_CREATED - notBefore) / 1000)) * 1000;
  const updated = rng.chance(0.25) ? created : Math.min(EXPORTED_AT - 3_600_000, created + rng.int(500 * 86_400) * 1000);
  return [created, updated];
}

interface CoachInfo {
  first: string;
  last: string;
  email: string;
  active: boolean;
  demo: boolean;
}

/** The first five team members are the demo organisation's people, so owner matching works in demos; one has left. */
export const DEMO_COACHES = DEMO_USERS.filter((u) => u.fullname !== 'Migration Admin').map((u, i) => ({
  first: u.fullname.split(' ')[0],
  last: u.fullname.split(' ').slice(1).join(' '),
  // The source keeps one address in another case than the destination does.
  email: i === 1 ? u.internalemailaddress.replace(/^(\w)(\w*)\.(\w)/, (_m, a: string, b: string, c: string) => `${a.toUpperCase()}${b}.${c.toUpperCase()}`) : u.internalemailaddress,
  active: !u.isdisabled,
  demo: true,
}));

export function coachInfo(shape: Shape, c: number): CoachInfo {
  if (c < DEMO_COACHES.length) return DEMO_COACHES[c];
  const rng = ProfiRandom.of(shape.seed, T.coachInfo, c);
  const first = rng.pick(V.FIRST_NAMES);
  const last = rng.pick(V.LAST_NAMES);
  return { first, last, email: `${slug(first)}.${slug(last)}${c > 40 ? c : ''}@lumen-coaching.example`, active: !rng.chance(0.12), demo: false };
}

/** A team member index, leaning on the demo ones. */
export function someCoach(shape: Shape, rng: ProfiRandom): number | null {
  const n = shape.good.coach;
  if (n === 0) return null;
  return rng.chance(0.5) ? rng.int(Math.min(n, DEMO_COACHES.length)) : rng.int(n);
}

/** An owner as the export writes it: usually a team member's email, sometimes someone who never had a login. */
export function ownerEmail(shape: Shape, rng: ProfiRandom, coach: number | null): string {
  const roll = rng.next();
  if (roll < 0.06) return rng.pick(V.NEVER_USERS);
  if (roll < 0.14) return '';
  const c = coach !== null && roll < 0.75 ? coach : someCoach(shape, rng);
  if (c === null) return '';
  const email = coachInfo(shape, c).email;
  return rng.chance(0.08) ? email.toUpperCase() : email;
}

interface Identity {
  first: string;
  last: string;
  email: string;
  phone: string;
  mobile: string;
  city: number;
  /** index of the client this one is a second entry of, and what they share */
  duplicateOf: number | null;
  matchedBy: 'email' | 'phone' | null;
}

export function baseIdentity(shape: Shape, j: number): Identity {
  const rng = ProfiRandom.of(shape.seed, T.identity, j);
  const kind = rng.weighted<number>([[0, 86], [1, 6], [2, 3], [3, 5]]);
  let first: string;
  let last: string;
  if (kind === 1) [first, last] = rng.pick(V.NON_LATIN_NAMES);
  else {
    first = kind === 2 ? rng.pick(V.EMOJI_FIRST_NAMES) : rng.pick(V.FIRST_NAMES);
    last = kind === 3 ? `${rng.pick(V.LAST_NAMES)}-${rng.pick(V.LAST_NAMES)}` : rng.pick(V.LAST_NAMES);
  }
  const city = rng.int(V.CITIES.length);
  const cc = V.CITIES[city][3];
  const local = kind === 1 ? `client${rng.digits(5)}` : `${slug(first)}.${slug(last)}${rng.chance(0.3) ? rng.between(1, 99) : ''}`;
  let email = '';
  const e = rng.next();
  if (e < 0.04) email = rng.pick(V.MALFORMED_EMAILS)(local);
  else if (e > 0.1) email = `${local}@${rng.pick(V.MAIL_DOMAINS)}`;
  let phone = '';
  const p = rng.next();
  if (p < 0.03) phone = rng.pick(V.MALFORMED_PHONES);
  else if (p > 0.35) phone = formatPhone(rng, cc, false);
  const mobile = rng.chance(0.7) ? formatPhone(rng, cc, true) : '';
  return { first, last, email, phone, mobile, city, duplicateOf: null, matchedBy: null };
}

function respell(rng: ProfiRandom, first: string, last: string): [string, string] {
  const asciiLast = [...last].map((ch) => V.RESPELLINGS[ch] ?? ch).join('');
  if (asciiLast !== last && rng.chance(0.7)) return [first, asciiLast];
  switch (rng.int(4)) {
    case 0:
      return [first, last.toUpperCase()];
    case 1:
      return [last, first];
    case 2:
      return [first.length > 3 ? first.slice(0, -1) : `${first}${first.slice(-1)}`, last];
    default:
      return [`${first} ${String.fromCharCode(65 + rng.int(26))}.`, last];
  }
}

const dialable = (phone: string) => phone.replace(/\D/g, '').length >= 7;

/** A client's identity; about one in sixty is the same person entered again, spelled differently. */
export function identity(shape: Shape, j: number): Identity {
  const rng = ProfiRandom.of(shape.seed, T.clientLinks, j);
  if (j > 0 && rng.chance(0.016)) {
    const of = j - 1 - rng.int(Math.min(j, 400));
    const base = baseIdentity(shape, of);
    const emailOk = base.email.includes('@');
    const phoneOk = dialable(base.phone);
    const mobileOk = dialable(base.mobile);
    if (emailOk || phoneOk || mobileOk) {
      const own = baseIdentity(shape, j);
      const [first, last] = respell(rng, base.first, base.last);
      const byEmail = emailOk && (!(phoneOk || mobileOk) || rng.chance(0.6));
      return {
        ...own,
        first,
        last,
        email: byEmail ? (rng.chance(0.4) ? base.email.toUpperCase() : base.email) : own.email,
        phone: !byEmail && phoneOk ? respellPhone(base.phone) : own.phone,
        mobile: !byEmail && !phoneOk ? respellPhone(base.mobile) : own.mobile,
        city: base.city,
        duplicateOf: of,
        matchedBy: byEmail ? 'email' : 'phone',
      };
    }
  }
  return baseIdentity(shape, j);
}

export function clientCoach(shape: Shape, j: number): number | null {
  const rng = ProfiRandom.of(shape.seed, T.clientLinks, j + 0x40000000);
  return rng.chance(0.1) ? null : someCoach(shape, rng);
}

export function clientCurrency(shape: Shape, j: number): string {
  if (j >= shape.good.client) return 'EUR';
  return V.CITIES[baseIdentity(shape, j).city][4];
}

/** A reference to a client that was deleted before the export: an id that looks like any other. */
export function deletedClient(shape: Shape, rng: ProfiRandom): number {
  return shape.good.client + 1 + rng.int(5000);
}

interface ProgramInfo {
  type: string;
  sessions: number | null;
  cents: number;
  currency: string;
}

export function programInfo(shape: Shape, p: number): ProgramInfo {
  const rng = ProfiRandom.of(shape.seed, T.programInfo, p);
  const type = rng.weighted(V.PROGRAM_TYPES);
  const sessions = type === 'Session package' ? rng.pick([3, 5, 6, 8, 10, 12]) : type === 'Group program' ? rng.between(4, 10) : type === 'Workshop' ? 1 : null;
  const perSession = rng.pick([9000, 12000, 15000, 18000, 25000, 35000]);
  const cents = type === 'Online course' ? rng.pick([4900, 9900, 19900, 49700]) : (sessions ?? 1) * perSession * (type === 'Group program' ? 0.4 : 1);
  return { type, sessions, cents: Math.round(cents / 100) * 100, currency: rng.weighted<string>([['EUR', 85], ['CHF', 8], ['GBP', 7]]) };
}

interface EnrollmentLinks {
  client: number;
  program: number | null;
  /** an earlier enrollment of the same client in the same program */
  again: number | null;
}

export function enrollmentLinksBase(shape: Shape, k: number): EnrollmentLinks {
  const rng = ProfiRandom.of(shape.seed, T.enrollmentLinks, k);
  const client = shape.good.client === 0 || rng.chance(0.015) ? deletedClient(shape, rng) : rng.int(shape.good.client);
  return { client, program: shape.good.program ? rng.int(shape.good.program) : null, again: null };
}

/** Enrollments; about one in forty enrolls a client in a program they are already enrolled in. */
export function enrollmentLinks(shape: Shape, k: number): EnrollmentLinks {
  const rng = ProfiRandom.of(shape.seed, T.enrollmentLinks, k + 0x40000000);
  if (k > 0 && rng.chance(0.025)) {
    const again = k - 1 - rng.int(Math.min(k, 50));
    return { ...enrollmentLinksBase(shape, again), again };
  }
  return enrollmentLinksBase(shape, k);
}

interface SessionLinks {
  client: number;
  coach: number | null;
  /** email of a coach who was never a team member, when the session was held by a guest */
  guestCoach: string | null;
  program: number | null;
  enrollment: number | null;
  /** the export dropped the enrollment of this package session */
  lostEnrollment: boolean;
  orphan: boolean;
}

export function sessionLinks(shape: Shape, s: number): SessionLinks {
  const rng = ProfiRandom.of(shape.seed, T.sessionLinks, s);
  let client: number;
  let program: number | null = null;
  let enrollment: number | null = null;
  let lostEnrollment = false;
  let orphan = false;
  if (shape.good.enrollment > 0 && rng.chance(0.6)) {
    enrollment = rng.int(shape.good.enrollment);
    const links = enrollmentLinks(shape, enrollment);
    client = links.client;
    program = links.program;
    orphan = client >= shape.good.client;
    if (rng.chance(0.07)) lostEnrollment = true;
  } else if (shape.good.client === 0 || rng.chance(0.01)) {
    client = deletedClient(shape, rng);
    orphan = true;
  } else client = rng.int(shape.good.client);
  let coach = client < shape.good.client && rng.chance(0.8) ? clientCoach(shape, client) : someCoach(shape, rng);
  let guestCoach: string | null = null;
  if (rng.chance(0.012) || (coach === null && rng.chance(0.3))) {
    coach = null;
    guestCoach = rng.pick(V.NEVER_USERS.filter((e) => e.includes('coach')));
  }
  return { client, coach, guestCoach, program, enrollment, lostEnrollment, orphan };
}

interface NoteLinks {
  client: number;
  session: number | null;
  author: number | null;
}

export function noteLinks(shape: Shape, n: number): NoteLinks {
  const rng = ProfiRandom.of(shape.seed, T.noteLinks, n);
  if (shape.good.session > 0 && rng.chance(0.6)) {
    const session = rng.int(shape.good.session);
    const links = sessionLinks(shape, session);
    return { client: links.client, session, author: links.coach };
  }
  const client = shape.good.client === 0 || rng.chance(0.01) ? deletedClient(shape, rng) : rng.int(shape.good.client);
  return { client, session: null, author: client < shape.good.client && rng.chance(0.85) ? clientCoach(shape, client) : someCoach(shape, rng) };
}

export interface AttachmentInfo {
  /** the note whose slot the file belongs to */
  slot: number | null;
  embedded: boolean;
  client: number;
  author: number | null;
  fileName: string;
  contentType: string;
  ext: string;
  size: number;
  large: boolean;
}

/** Dataverse's default attachment limit is 5 MB; Salesforce takes 25 MB as an Attachment and 37.5 MB per REST call. */
const LARGE_SIZES = [5_400_000, 12_582_912, 26_500_000, 41_000_000];

/** Attachment a sits in note slot floor(a * notes / attachments): a note finds its files without a lookup table. */
function slotOf(shape: Shape, a: number): number | null {
  return shape.good.note === 0 ? null : Math.floor((a * shape.good.note) / shape.good.attachment);
}

export function attachmentsOfNote(shape: Shape, n: number): [number, number] {
  const A = shape.good.attachment;
  const N = shape.good.note;
  return [Math.floor((n * A + N - 1) / N), Math.floor(((n + 1) * A + N - 1) / N)];
}

export function attachmentInfo(shape: Shape, a: number): AttachmentInfo {
  const rng = ProfiRandom.of(shape.seed, T.attachmentInfo, a);
  const slot = slotOf(shape, a);
  const links = slot === null ? null : noteLinks(shape, slot);
  const client = links ? links.client : shape.good.client ? rng.int(shape.good.client) : deletedClient(shape, rng);
  const [label, ext, contentType] = rng.weighted(V.FILE_KINDS.map((k) => [k, k[3]] as const));
  const who = client < shape.good.client ? ascii(baseIdentity(shape, client).last) : '';
  const large = a === Math.floor(shape.good.attachment / 2) || rng.chance(0.003);
  return {
    slot,
    embedded: slot !== null && rng.chance(0.6),
    client,
    author: links ? links.author : someCoach(shape, rng),
    fileName: `${label}${who ? ` ${who}` : ''}${rng.chance(0.3) ? ` (${rng.between(1, 4)})` : ''}.${ext}`,
    contentType,
    ext,
    size: large ? rng.pick(LARGE_SIZES) + rng.int(1000) : rng.between(180, 6000),
    large,
  };
}

export const attachmentPath = (a: number, info: AttachmentInfo) => `${PROFI_FILES_DIR}/${id('attachment', a)}/${info.fileName}`;
