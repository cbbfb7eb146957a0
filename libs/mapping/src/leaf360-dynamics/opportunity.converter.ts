import type { Converter, Converted } from '../converter';
import { limit, normalizeEmail, required, text } from '../columns';
import type { Lookup } from '@ferry/contracts';
import type { Leaf360Deal } from '@ferry/connectors/leaf360';

export class OpportunityConverter implements Converter<Leaf360Deal> {
  readonly sourceObject = 'deal';
  readonly entity = 'opportunity';

  convert(d: Leaf360Deal): Converted<Record<string, unknown>> {
    const e = this.entity;
    const companyId = text(d.company_id);
    const contactId = text(d.contact_id);
    // The opportunity's customer is the deal's company; a deal with only a borrower contact gets the contact.
    const customer: Lookup[] = companyId
      ? [{ attribute: 'customerid_account', targetEntity: 'account', targetObject: 'company', sourceKey: companyId, destinationId: null }]
      : contactId
        ? [{ attribute: 'customerid_contact', targetEntity: 'contact', targetObject: 'contact', sourceKey: contactId, destinationId: null }]
        : [];
    return {
      record: {
        crm_sourceid: d.deal_id,
        name: limit(e, 'name', required(e, 'name', text(d.dealname), 'dealname'), 300),
        estimatedvalue: d.loan_amount,
        estimatedclosedate: d.closedate,
        stepname: limit(e, 'stepname', text(d.dealstage), 200),
        crm_loantype: limit(e, 'crm_loantype', text(d.loan_type), 100),
        crm_preapprovaldate: d.preapproval_date,
        crm_loanofficer: limit(e, 'crm_loanofficer', text(d.loan_officer), 100),
        crm_sourcecreatedon: d.created_at,
      },
      lookups: customer,
      owner: { email: normalizeEmail(d.loan_officer), systemUserId: null, fallback: false },
    };
  }
}
