import * as avro from 'avsc';
import { fromPlanportsApiItem, PLANPORTS_API, toPlanportsApiItem } from './planports.api';
import { planportsSchema } from './planports.schema';

const contact = {
  contact_id: 'ct_000001', first_name: 'Ayşe', last_name: 'Yılmaz', email: 'ayse@example.com', phone: '+90 532 123 45 67',
  company_name: 'Yıldız Turizm Ltd. Şti.', job_title: null, city: 'İstanbul', country: 'TR', language: 'tr', birth_date: 6708,
  lifecycle_stage: 'customer', tags: 'vip, whatsapp', owner_id: 'usr_000001', whatsapp_phone: '+90 850 305 44 10', whatsapp_opt_in: true,
  whatsapp_last_message_at: Date.UTC(2025, 2, 22, 4, 50), whatsapp_message_count: 42, whatsapp_conversation_ids: 'wac_000001;wac_000002',
  source_platform: 'meta_instant_form', meta_form_id: '1234567890123456', meta_campaign: 'Spring', google_ads_campaign: null,
  google_click_id: null, tiktok_campaign: null, tiktok_ad_id: null, created_at: Date.UTC(2024, 0, 10, 6, 15), updated_at: null,
  custom: { 'Clinic ID': 'CLN-IST-01' },
};

describe('PLANPORTS_API', () => {
  it('is an X-Api-Key header, numbered pages from 1 of up to 200 under data, updated_since in ISO 8601 and tombstones', () => {
    expect(PLANPORTS_API).toEqual({
      auth: { header: 'X-Api-Key' },
      pagination: { style: 'page', pageParam: 'page', sizeParam: 'per_page', maxPageSize: 200, firstPage: 1 },
      modifiedSince: { param: 'updated_since', format: 'iso' },
      itemsPath: 'data',
      deletes: { includeParam: 'include_deleted', flagField: 'deleted' },
    });
  });
});

describe('toPlanportsApiItem', () => {
  it('nests the contact card the way the API does', () => {
    const item = toPlanportsApiItem('contact', contact);
    expect(item).toMatchObject({
      id: 'ct_000001',
      owner: { id: 'usr_000001' },
      birth_date: '1988-05-14',
      created_at: '2024-01-10T06:15:00.000Z',
      updated_at: null,
      whatsapp: {
        phone: '+90 850 305 44 10', opt_in: true, last_message_at: '2025-03-22T04:50:00.000Z', message_count: 42,
        conversation_ids: ['wac_000001', 'wac_000002'],
      },
      attribution: { platform: 'meta_instant_form', meta: { form_id: '1234567890123456', campaign: 'Spring' }, google_ads: { campaign: null, gclid: null } },
      custom_fields: { 'Clinic ID': 'CLN-IST-01' },
    });
    expect(item).not.toHaveProperty('contact_id');
    expect(item).not.toHaveProperty('owner_id');
  });

  it('writes a missing reference as null and automation rules as JSON arrays', () => {
    expect(toPlanportsApiItem('contact', { ...contact, owner_id: null }).owner).toBeNull();
    const item = toPlanportsApiItem('workflow_automation', {
      workflow_id: 'wf_000001', name: 'x', conditions: '[{"field":"country","operator":"equals","value":"DE"}]', actions: '[]', custom: {},
    });
    expect(item).toMatchObject({ id: 'wf_000001', conditions: [{ field: 'country', operator: 'equals', value: 'DE' }], actions: [] });
  });
});

describe('fromPlanportsApiItem', () => {
  it('is the inverse of toPlanportsApiItem', () => {
    expect(fromPlanportsApiItem('contact', toPlanportsApiItem('contact', contact))).toEqual({ record: contact });
  });

  it('reads properties the API left out as null and an absent custom_fields as {}', () => {
    const out = fromPlanportsApiItem('deal', { id: 'dl_1', title: 'Villa', amount: '1500', currency: 'TRY' });
    expect(out).toEqual({ record: expect.objectContaining({ deal_id: 'dl_1', title: 'Villa', amount: '1500.00', currency: 'TRY', owner_id: null, created_at: null, custom: {} }) });
  });

  it('keeps money exact: decimal text to two places, numbers only when they are plain', () => {
    const amount = (v: unknown) => fromPlanportsApiItem('deal', { id: 'dl_1', amount: v });
    expect(amount('1500.5')).toMatchObject({ record: { amount: '1500.50' } });
    expect(amount(12.25)).toMatchObject({ record: { amount: '12.25' } });
    expect(amount('-40')).toMatchObject({ record: { amount: '-40.00' } });
    expect(amount('₺1.500,00')).toMatchObject({ code: 'BAD_DECIMAL', reason: expect.stringContaining('deal dl_1: amount') });
  });

  it('turns a tombstone into a record holding only its key and cursor, valid against the schema', () => {
    const out = fromPlanportsApiItem('deal', { id: 'dl_9', deleted: true, updated_at: '2025-01-02T03:04:05+03:00' });
    expect(out).toEqual({ record: expect.objectContaining({ deal_id: 'dl_9', updated_at: Date.UTC(2025, 0, 2, 0, 4, 5), title: null, custom: {} }) });
    if (!('record' in out)) throw new Error('expected a record');
    expect(avro.Type.forSchema(planportsSchema('deal') as avro.Schema).isValid(out.record)).toBe(true);
    const history = fromPlanportsApiItem('deal_stage_history', { id: 'dsh_1', deleted: true, updated_at: '2025-01-02T00:00:00Z' });
    expect(history).toMatchObject({ record: { history_id: 'dsh_1', changed_at: Date.UTC(2025, 0, 2) } });
  });

  it.each([
    ['no id', 'contact', { first_name: 'x' }, 'MISSING_VALUE', /contact item has no id/],
    ['a time without a zone', 'contact', { id: 'ct_1', created_at: '2024-01-10 09:00' }, 'BAD_TIMESTAMP', /contact ct_1: created_at should be an ISO 8601 time with a zone/],
    ['an impossible date', 'contact', { id: 'ct_1', birth_date: '1990-02-30' }, 'BAD_DATE', /contact ct_1: birth_date should be a date as YYYY-MM-DD/],
    ['a yes/no as text', 'contact', { id: 'ct_1', whatsapp: { opt_in: 'yes' } }, 'BAD_BOOLEAN', /contact ct_1: whatsapp\.opt_in should be true or false/],
    ['a fractional count', 'contact', { id: 'ct_1', whatsapp: { message_count: 1.5 } }, 'BAD_NUMBER', /whatsapp\.message_count should be a whole number/],
    ['a reference that is not an object', 'deal', { id: 'dl_1', owner: 'usr_1' }, 'BAD_RECORD', /deal dl_1: owner should be an object/],
    ['a list that is not a list', 'contact', { id: 'ct_1', whatsapp: { conversation_ids: 'wac_1;wac_2' } }, 'BAD_RECORD', /conversation_ids should be an array of ids/],
    ['a number where text belongs', 'contact', { id: 'ct_1', first_name: 42 }, 'BAD_RECORD', /first_name should be text/],
    ['rules that are not a list', 'workflow_automation', { id: 'wf_1', conditions: { field: 'x' } }, 'BAD_RECORD', /conditions should be an array/],
  ])('rejects %s with a reason naming the item and field', (_what, stream, item, code, reason) => {
    const out = fromPlanportsApiItem(stream, item);
    expect(out).toEqual({ code, reason: expect.stringMatching(reason) });
  });

  it('keeps custom field values as text', () => {
    const out = fromPlanportsApiItem('deal', { id: 'dl_1', custom_fields: { 'Ad Spend': 1200, Agent: 'Mert', Empty: null } });
    expect(out).toMatchObject({ record: { custom: { 'Ad Spend': '1200', Agent: 'Mert' } } });
  });
});
