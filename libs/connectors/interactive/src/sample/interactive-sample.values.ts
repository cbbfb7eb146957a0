/**
 * How the sample writes values the way a years-old CRM account holds them: times in several formats and
 * zones, money with symbols and thousands separators, phone numbers however they were typed.
 */
import { usPhoneSpelling } from '@ferry/connectors/core';
import type { Rng } from './interactive-sample.random';

export const DAY = 86_400_000;
/** the moment the sample export was taken; nothing in it is later */
export const EXPORTED_AT = Date.UTC(2025, 9, 1, 6, 0, 0);
export const FIRST_CREATED = Date.UTC(2017, 0, 1);
const LAST_CREATED = Date.UTC(2025, 8, 15);

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** created and last-modified times of one record, in epoch millis */
export function lifetime(rng: Rng): [number, number] {
  const created = FIRST_CREATED + rng.int(LAST_CREATED - FIRST_CREATED);
  const updated = Math.min(EXPORTED_AT - 60_000, created + rng.int(700 * DAY));
  return [created, updated];
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** The API's own times: ISO 8601 in UTC, now and then with the account's local offset instead. */
export function apiTime(rng: Rng, ms: number): string {
  if (!rng.chance(0.1)) return iso(ms);
  return withOffset(ms, rng.pick([-300, -360, 180, 240]));
}

function withOffset(ms: number, minutes: number): string {
  const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 23);
  const a = Math.abs(minutes);
  return `${local}${minutes < 0 ? '-' : '+'}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}

/** A date-time property as imports and integrations left it. */
export function propertyTime(rng: Rng, ms: number): string {
  switch (rng.weighted<number>([[0, 40], [1, 10], [2, 15], [3, 10], [4, 25]])) {
    case 0:
      return iso(ms);
    case 1:
      return `${iso(ms).slice(0, 19)}Z`;
    case 2:
      return withOffset(ms, rng.pick([-480, -300, 0, 60, 180, 330, 540]));
    case 3:
      return `${iso(ms).slice(0, 10)} ${iso(ms).slice(11, 19)}`;
    default:
      return String(ms);
  }
}

/** A date property (days since 1970-01-01): ISO, US style, or midnight UTC in epoch millis as the API sends it. */
export function propertyDate(rng: Rng, days: number): string {
  const d = new Date(days * DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  switch (rng.weighted<number>([[0, 50], [1, 20], [2, 20], [3, 10]])) {
    case 0:
      return `${y}-${two(m)}-${two(day)}`;
    case 1:
      return String(days * DAY);
    case 2:
      return `${two(m)}/${two(day)}/${y}`;
    default:
      return `${y}-${two(m)}-${two(day)}T00:00:00.000Z`;
  }
}

export const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£' };

/** Money as typed: bare, with two places, grouped, or with its currency's symbol. */
export function moneyText(rng: Rng, cents: number, currency: string): string {
  const whole = Math.floor(cents / 100);
  const frac = two(cents % 100);
  const grouped = String(whole).replace(/\B(?=(\d{3})+$)/g, ',');
  const symbol = CURRENCY_SYMBOLS[currency];
  switch (rng.weighted<number>([[0, 30], [1, 25], [2, 20], [3, symbol ? 25 : 0]])) {
    case 0:
      return cents % 100 === 0 ? String(whole) : `${whole}.${frac}`;
    case 1:
      return `${whole}.${frac}`;
    case 2:
      return `${grouped}.${frac}`;
    default:
      return rng.chance(0.5) ? `${symbol}${grouped}.${frac}` : `${symbol}${grouped}`;
  }
}

/** The exact decimal text a reader must produce for `cents`. */
export const moneyValue = (cents: number) => `${Math.floor(cents / 100)}.${two(cents % 100)}`;

export function usPhone(rng: Rng, area: string): string {
  const mid = rng.between(201, 989);
  const last = rng.digits(4);
  const style = rng.int(6);
  if (style === 4) return `${area}-${mid}-${last} x${rng.between(100, 299)}`;
  return style === 5 ? `1-${area}-${mid}-${last}` : usPhoneSpelling(style, area, String(mid), last);
}

export const foreignPhone = (rng: Rng, prefix: string) => `${prefix} ${rng.digits(3)} ${rng.digits(2)} ${rng.digits(2)}`;

/** The same number written another way: what a second entry of the same person carries. */
export function rewritePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 10) return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
  if (digits.length === 11 && digits.startsWith('1')) return `${digits.slice(1, 4)}.${digits.slice(4, 7)}.${digits.slice(7)}`;
  return `+${digits}`;
}

const UNDECOMPOSED: Readonly<Record<string, string>> = { ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', ı: 'i', đ: 'd' };

/** ASCII letters and digits only: what an email's local part is built from. */
export function asciiSlug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[øłßæıđ]/g, (c) => UNDECOMPOSED[c])
    .replace(/[^a-z0-9]+/g, '');
}

/** Accents dropped, as a second entry typed on an English keyboard spells a name. */
export function stripAccents(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[øłıİ]/g, (c) => ({ ø: 'o', ł: 'l', ı: 'i', İ: 'I' })[c] ?? c);
}
