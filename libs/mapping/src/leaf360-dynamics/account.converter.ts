import type { Converter, Converted } from '../converter';
import { limit, required, text, websiteUrl } from '../columns';
import type { Leaf360Company } from '@ferry/connectors/leaf360';

export class AccountConverter implements Converter<Leaf360Company> {
  readonly sourceObject = 'company';
  readonly entity = 'account';

  convert(c: Leaf360Company): Converted<Record<string, unknown>> {
    const e = this.entity;
    return {
      record: {
        crm_sourceid: c.company_id,
        name: limit(e, 'name', required(e, 'name', text(c.name), 'name'), 160),
        websiteurl: limit(e, 'websiteurl', websiteUrl(c.domain), 200),
        telephone1: limit(e, 'telephone1', text(c.phone), 50),
        address1_line1: null,
        address1_city: limit(e, 'address1_city', text(c.city), 80),
        address1_stateorprovince: limit(e, 'address1_stateorprovince', text(c.state), 50),
        address1_postalcode: limit(e, 'address1_postalcode', text(c.zip), 20),
        crm_industry: limit(e, 'crm_industry', text(c.industry), 100),
        crm_propertyaddress: limit(e, 'crm_propertyaddress', text(c.property_address), 250),
        crm_sourcecreatedon: c.created_at,
      },
      lookups: [],
      owner: null,
    };
  }
}
