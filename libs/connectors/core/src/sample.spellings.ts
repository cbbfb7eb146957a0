/** Value spellings more than one seed CRM's sample writes. */

/**
 * A North American number as US CRMs let people type it: style 0 `(512) 555-0100`, 1 `+1 512-555-0100`,
 * 2 `512.555.0100`, anything else `5125550100`.
 */
export function usPhoneSpelling(style: number, area: string, mid: string, last: string): string {
  switch (style) {
    case 0:
      return `(${area}) ${mid}-${last}`;
    case 1:
      return `+1 ${area}-${mid}-${last}`;
    case 2:
      return `${area}.${mid}.${last}`;
    default:
      return `${area}${mid}${last}`;
  }
}
