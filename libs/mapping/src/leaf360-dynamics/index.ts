import { AccountConverter } from './account.converter';
import { ContactConverter } from './contact.converter';
import { OpportunityConverter } from './opportunity.converter';
import type { Converter } from '../converter';

export * from './leaf360-dynamics.map';
export { AccountConverter, ContactConverter, OpportunityConverter };

export function leaf360DynamicsConverters(): Converter[] {
  return [new AccountConverter(), new ContactConverter(), new OpportunityConverter()] as unknown as Converter[];
}
