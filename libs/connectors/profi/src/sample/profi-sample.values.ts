import type { ProfiRandom } from './profi-sample.random';

/**
 * How Profi's export spells values: European by default (31.12.2024, 1.250,00 €), with the drift a
 * practice's data collects over years of imports and integrations (ISO times with and without zones, other
 * currencies' conventions, hand-typed phones). Every spelling here is one a reader must accept.
 */

export const DAY_MS = 86_400_000;

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

function parts(ms: number): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const t = new Date(ms);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), hh: t.getUTCHours(), mm: t.getUTCMinutes(), ss: t.getUTCSeconds() };
}

/** Central European offset in minutes at an instant: +120 from the last Sunday of March to that of October. */
export function cetOffset(ms: number): number {
  const y = new Date(ms).getUTCFullYear();
  const lastSunday = (month: number) => {
    const end = Date.UTC(y, month + 1, 0);
    return end - new Date(end).getUTCDay() * DAY_MS;
  };
  const summerFrom = lastSunday(2) + 3_600_000;
  const summerTo = lastSunday(9) + 3_600_000;
  return ms >= summerFrom && ms < summerTo ? 120 : 60;
}

function zone(offset: number): string {
  const a = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}

/**
 * A moment in one of the spellings the export mixes. Zone-less spellings are read as UTC, so they are
 * written in UTC; the local (CET/CEST) ones carry their offset.
 */
export function formatTimestamp(rng: ProfiRandom, ms: number): string {
  const secondsless = Math.floor(ms / 60_000) * 60_000;
  switch (rng.weighted<number>([[0, 40], [1, 20], [2, 15], [3, 10], [4, 10], [5, 5]])) {
    case 0: {
      const p = parts(secondsless);
      return `${two(p.d)}.${two(p.m)}.${p.y} ${two(p.hh)}:${two(p.mm)}`;
    }
    case 1: {
      const offset = cetOffset(ms);
      const p = parts(ms + offset * 60_000);
      return `${p.y}-${two(p.m)}-${two(p.d)}T${two(p.hh)}:${two(p.mm)}:${two(p.ss)}${zone(offset)}`;
    }
    case 2:
      return new Date(ms).toISOString();
    case 3: {
      const p = parts(ms);
      return `${p.y}-${two(p.m)}-${two(p.d)} ${two(p.hh)}:${two(p.mm)}:${two(p.ss)}`;
    }
    case 4: {
      const offset = rng.pick([0, 60, 120, 180, -300]);
      const p = parts(secondsless + offset * 60_000);
      return `${two(p.d)}.${two(p.m)}.${p.y} ${two(p.hh)}:${two(p.mm)} ${offset === 0 ? 'UTC' : zone(offset)}`;
    }
    default:
      return String(ms);
  }
}

/** The instant formatTimestamp's spelling reads back as: some spellings drop the seconds. */
export function timestampAsWritten(text: string, ms: number): number {
  return /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}( |$)/.test(text) ? Math.floor(ms / 60_000) * 60_000 : ms;
}

export function formatDate(rng: ProfiRandom, days: number): string {
  const p = parts(days * DAY_MS);
  switch (rng.weighted<number>([[0, 60], [1, 25], [2, 10], [3, 5]])) {
    case 0:
      return `${two(p.d)}.${two(p.m)}.${p.y}`;
    case 1:
      return `${p.y}-${two(p.m)}-${two(p.d)}`;
    case 2:
      return `${p.d}.${p.m}.${p.y}`;
    default:
      return `${two(p.d)}.${two(p.m)}.${p.y} 00:00`;
  }
}

/** 1250 → "1.250" or "1 250" or "1'250" */
function grouped(whole: number, sep: string): string {
  return String(whole).replace(/\B(?=(\d{3})+$)/g, sep);
}

/** Money in the export's locale for its currency, cents as an integer; the amount reads back as cents / 100. */
export function formatMoney(rng: ProfiRandom, cents: number, currency: string): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = two(abs % 100);
  const sign = negative ? '-' : '';
  const eu = `${sign}${grouped(whole, '.')},${frac}`;
  switch (currency) {
    case 'EUR':
      return rng.weighted<string>([
        [`${eu} €`, 55],
        [`${sign}${whole},${frac}`, 15],
        [`€${eu}`, 8],
        [`${eu} EUR`, 10],
        [`EUR ${eu}`, 7],
        [`${sign}${whole}.${frac}`, 5],
      ]);
    case 'CHF':
      return rng.chance(0.7) ? `CHF ${sign}${grouped(whole, "'")}.${frac}` : `${sign}${grouped(whole, "'")}.${frac} CHF`;
    case 'GBP':
      return `${sign}£${grouped(whole, ',')}.${frac}`;
    case 'USD':
      return rng.chance(0.6) ? `${sign}$${grouped(whole, ',')}.${frac}` : `USD ${sign}${grouped(whole, ',')}.${frac}`;
    case 'SEK':
    case 'NOK':
      return rng.chance(0.6) ? `${sign}${grouped(whole, '\u00a0')},${frac} kr` : `${currency} ${sign}${grouped(whole, ' ')},${frac}`;
    case 'DKK':
      return rng.chance(0.5) ? `kr. ${eu}` : `${eu} DKK`;
    default:
      return `${eu} ${currency}`;
  }
}

export function moneyText(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${two(abs % 100)}`;
}

/** A phone number the way people type them in a German-speaking practice's forms. */
export function formatPhone(rng: ProfiRandom, countryCode: string, mobile: boolean): string {
  const area = mobile ? rng.pick(['151', '160', '170', '171', '176', '179']) : String(rng.between(20, 899));
  const rest = rng.digits(mobile ? 7 : rng.between(6, 8));
  switch (rng.int(6)) {
    case 0:
      return `+${countryCode} ${area} ${rest}`;
    case 1:
      return `+${countryCode} (0)${area} ${rest}`;
    case 2:
      return `0${area} ${rest}`;
    case 3:
      return `0${area}/${rest.slice(0, 3)} ${rest.slice(3)}`;
    case 4:
      return `00${countryCode}${area}${rest}`;
    default:
      return `+${countryCode}${area}${rest}`;
  }
}

/** The same number in another spelling: duplicates share a phone but rarely its formatting. */
export function respellPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length > 6 ? `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`.trim() : phone;
}
