import type { Converter, Converted } from '../converter';
import { MappingRejection } from '../converter';
import { limit, normalizeEmail, text } from '../columns';
import type { Leaf360Contact } from '@ferry/connectors/leaf360';

export class ContactConverter implements Converter<Leaf360Contact> {
  readonly sourceObject = 'contact';
  readonly entity = 'contact';

  convert(c: Leaf360Contact): Converted<Record<string, unknown>> {
    const e = this.entity;
    const first = text(c.first_name);
    // Dataverse requires a last name in its forms; a one-word name is kept whole rather than dropped.
    const last = text(c.last_name) ?? first;
    if (!last) throw new MappingRejection('MISSING_VALUE', `contact ${c.contact_id} has neither a last nor a first name`);
    const companyId = text(c.company_id);
    return {
      record: {
        crm_sourceid: c.contact_id,
        firstname: text(c.last_name) ? limit(e, 'firstname', first, 50) : null,
        lastname: limit(e, 'lastname', last, 50),
        emailaddress1: limit(e, 'emailaddress1', text(c.email), 100),
        telephone1: limit(e, 'telephone1', text(c.phone), 50),
        jobtitle: limit(e, 'jobtitle', text(c.job_title), 100),
        crm_loanstatus: limit(e, 'crm_loanstatus', text(c.loan_status), 100),
        crm_referralsource: limit(e, 'crm_referralsource', text(c.referral_source), 100),
        crm_sourcecreatedon: c.created_at,
      },
      lookups: companyId
        ? [{ attribute: 'parentcustomerid_account', targetEntity: 'account', targetObject: 'company', sourceKey: companyId, destinationId: null }]
        : [],
      owner: { email: normalizeEmail(c.loan_officer), systemUserId: null, fallback: false },
    };
  }
}
