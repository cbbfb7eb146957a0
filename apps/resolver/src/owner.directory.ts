import type { OwnerRef } from '@ferry/contracts';
import type { OwnerStatus } from '@ferry/persistence';
import type { DestinationUser } from '@ferry/destinations/core';

export type { DestinationUser };

export interface OwnerDecision {
  owner: OwnerRef;
  status: OwnerStatus;
}

/**
 * Source owners matched by email (case-insensitive) against the destination's users. A disabled user or no
 * match gets the fallback owner, and the reason is kept for the owner report.
 */
export class OwnerDirectory {
  private readonly byEmail = new Map<string, DestinationUser>();
  readonly fallback: DestinationUser;

  constructor(users: DestinationUser[], fallbackEmail: string) {
    for (const u of users) if (u.email) this.byEmail.set(u.email.trim().toLowerCase(), u);
    const fb = this.byEmail.get(fallbackEmail.trim().toLowerCase());
    if (!fb) throw new Error(`the fallback owner ${fallbackEmail} is not a user in the destination; set FERRY_FALLBACK_OWNER_EMAIL to an active user`);
    if (fb.disabled) throw new Error(`the fallback owner ${fallbackEmail} is disabled in the destination; set FERRY_FALLBACK_OWNER_EMAIL to an active user`);
    this.fallback = fb;
  }

  resolve(email: string | null): OwnerDecision {
    const key = email?.trim().toLowerCase() ?? '';
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
