import { FerryError } from '@ferry/common';
import type { OwnerRef } from '@ferry/contracts';
import type { OwnerStatus } from '@ferry/persistence';
import type { DestinationUser } from '@ferry/destinations/core';

export type { DestinationUser };

export interface OwnerDecision {
  owner: OwnerRef;
  status: OwnerStatus;
}

/**
 * Source owners matched against the destination's users: first by a person's explicit mapping (`ferry owners map`),
 * then by email, case-insensitive. A disabled user or no match gets the fallback owner, and the reason is kept
 * for the owner report; under the queue policy the resolver holds such records instead.
 */
export class OwnerDirectory {
  private byEmail = new Map<string, DestinationUser>();
  private byId = new Map<string, DestinationUser>();
  private manual = new Map<string, string>();
  readonly fallback: DestinationUser;

  constructor(
    users: DestinationUser[],
    fallbackEmail: string,
    manual: Map<string, string> = new Map(),
  ) {
    this.update(users, manual);
    const fb = this.byEmail.get(fallbackEmail.trim().toLowerCase());
    const active = users.filter((u) => !u.disabled).map((u) => u.email);
    const some = active.length ? ` (active users: ${active.slice(0, 3).join(', ')}${active.length > 3 ? ` and ${active.length - 3} more` : ''})` : '';
    const fix = `give an active destination user's email as the fallback owner${some}: ferry init --fallback-owner, or FERRY_FALLBACK_OWNER_EMAIL`;
    if (!fb) throw new FerryError('CONFIG', `the fallback owner ${fallbackEmail} is not a user in the destination; ${fix}`, 'fatal');
    if (fb.disabled) throw new FerryError('CONFIG', `the fallback owner ${fallbackEmail} is disabled in the destination; ${fix}`, 'fatal');
    this.fallback = fb;
  }

  /** A refreshed user directory and the current hand-made mappings. */
  update(users: DestinationUser[], manual: Map<string, string>): void {
    this.byEmail = new Map();
    this.byId = new Map();
    for (const u of users) {
      this.byId.set(u.id, u);
      if (u.email) this.byEmail.set(u.email.trim().toLowerCase(), u);
    }
    this.manual = new Map([...manual].map(([email, id]) => [email.trim().toLowerCase(), id]));
  }

  users(): DestinationUser[] {
    return [...this.byId.values()];
  }

  resolve(email: string | null): OwnerDecision {
    const key = email?.trim().toLowerCase() ?? '';
    const mapped = this.byId.get(this.manual.get(key) ?? '');
    if (mapped && !mapped.disabled) return { owner: { email: key || null, systemUserId: mapped.id, fallback: false }, status: 'mapped' };
    if (!key) return this.fallbackFor(null, 'missing');
    const u = this.byEmail.get(key);
    if (!u) return this.fallbackFor(key, 'unmatched');
    if (u.disabled) return this.fallbackFor(key, 'disabled');
    return { owner: { email: key, systemUserId: u.id, fallback: false }, status: 'matched' };
  }

  private fallbackFor(email: string | null, status: OwnerStatus): OwnerDecision {
    return { owner: { email, systemUserId: this.fallback.id, fallback: true }, status };
  }
}
