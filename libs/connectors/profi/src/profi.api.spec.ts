import { readFileSync } from 'fs';
import { join } from 'path';
import { PROFI_API, profiFromApiItem, profiToApiItem } from './profi.api';
import { PROFI_STREAM_NAMES } from './profi.catalog';

const cleanExpected = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'clean.expected.json'), 'utf8')) as Record<string, Array<Record<string, unknown>>>;

const sequence = {
  sequence_id: 'RS-0001',
  name: 'Session reminder 24h + 1h',
  active: true,
  trigger_event: 'session.scheduled',
  session_type: null,
  program_id: 'PR-0000001',
  steps: [
    { position: 1, offset_minutes: -1440, channel: 'email', recipient: 'client', template: 'reminder-24h', subject: 'Your session tomorrow' },
    { position: 2, offset_minutes: -60, channel: 'sms', recipient: 'client', template: 'reminder-1h', subject: null },
  ],
  created_by: 'ST-0000001',
  created_at: Date.UTC(2024, 0, 5, 9),
  updated_at: Date.UTC(2024, 5, 1, 12, 30),
  custom: {},
};

const field = {
  field_id: 'CF-0003',
  object: 'client',
  label: 'Preferred session time',
  api_name: 'cf_preferredsessiontime',
  field_type: 'select',
  options: ['Morning', 'Lunch', 'Evening'],
  required: false,
  created_at: Date.UTC(2022, 1, 3),
  updated_at: null,
  custom: {},
};

describe("Profi's API", () => {
  it('is called with a bearer token, Spring pages from 0 of up to 100, modifiedAfter in epoch millis, and tombstones on request', () => {
    expect(PROFI_API).toEqual({
      auth: { header: 'Authorization', scheme: 'Bearer' },
      pagination: { style: 'page', pageParam: 'page', sizeParam: 'size', maxPageSize: 100, firstPage: 0 },
      modifiedSince: { param: 'modifiedAfter', format: 'epoch-ms' },
      itemsPath: 'content',
      deletes: { includeParam: 'includeDeleted', flagField: 'deleted' },
    });
  });

  it('turns every fixture record into an item and back into the same record', () => {
    let n = 0;
    for (const [stream, rows] of Object.entries(cleanExpected)) {
      for (const record of rows) {
        const back = profiFromApiItem(stream, profiToApiItem(stream, record));
        expect(back).toEqual({ record });
        n++;
      }
    }
    expect(n).toBeGreaterThan(25);
    expect(profiFromApiItem('reminder_sequence', profiToApiItem('reminder_sequence', sequence))).toEqual({ record: sequence });
    expect(profiFromApiItem('custom_field', profiToApiItem('custom_field', field))).toEqual({ record: field });
  });

  it("writes items in Profi's own shape: nested references, money objects, ISO dates and times, custom fields by label", () => {
    const session = cleanExpected.session[0];
    expect(profiToApiItem('session', session)).toEqual({
      id: 'SE-0000001',
      title: 'Kick-off',
      type: '1:1 Session',
      client: { id: 'CL-0000001' },
      coach: { id: 'ST-0000001', email: 'alicia.moreno@contoso-lending.example' },
      program: { id: 'PR-0000001' },
      enrollment: { id: 'EN-0000001' },
      startsAt: '2023-03-06T09:00:00.000Z',
      durationMinutes: 60,
      status: 'Completed',
      location: 'Online',
      meetingUrl: 'https://meet.profi-cloud.example/4711',
      recordingUrl: 'https://vimeo.example/recordings/123456789',
      fee: null,
      createdAt: '2023-03-01T11:05:00.000Z',
      updatedAt: '2023-03-06T10:05:00.000Z',
      customFields: { 'Mood before (1-10)': '4', 'Mood after (1-10)': '7', Topics: 'Leadership, Conflict' },
    });
    const item = profiToApiItem('reminder_sequence', sequence);
    expect(item.trigger).toEqual({ event: 'session.scheduled', sessionType: null, programId: 'PR-0000001' });
    expect(item.enabled).toBe(true);
    expect((item.steps as unknown[])[1]).toEqual({ order: 2, offsetMinutes: -60, channel: 'sms', recipient: 'client', template: 'reminder-1h', subject: null });
  });

  it('reads an item as the API writes it: numbers for money, epoch millis, missing optional properties', () => {
    const got = profiFromApiItem('payment', {
      id: 'PA-9',
      invoiceNumber: 'RE-2025-00009',
      client: { id: 'CL-0000001' },
      total: { gross: 1250, tax: '199.58', currency: 'EUR' },
      status: 'Paid',
      invoiceDate: '2025-02-01',
      paidOn: '2025-02-03',
      createdAt: 1738400000000,
      updatedAt: '2025-02-03T10:00:00+01:00',
      customFields: { 'Cost centre': 4711, Reimbursed: true },
    });
    expect(got).toEqual({
      record: {
        payment_id: 'PA-9',
        invoice_number: 'RE-2025-00009',
        client_id: 'CL-0000001',
        enrollment_id: null,
        session_id: null,
        description: null,
        amount: '1250.00',
        tax_amount: '199.58',
        currency: 'EUR',
        status: 'Paid',
        method: null,
        invoice_date: Date.UTC(2025, 1, 1) / 86_400_000,
        due_on: null,
        paid_on: Date.UTC(2025, 1, 3) / 86_400_000,
        created_at: 1738400000000,
        updated_at: Date.UTC(2025, 1, 3, 9),
        custom: { 'Cost centre': '4711', Reimbursed: 'true' },
      },
    });
  });

  it('reads a tombstone as the key and nothing else', () => {
    const got = profiFromApiItem('company', { id: 'CO-0000042', deleted: true, updatedAt: '2025-03-01T08:00:00Z' });
    expect(got).toMatchObject({ record: { company_id: 'CO-0000042', name: null, updated_at: Date.UTC(2025, 2, 1, 8), custom: {} } });
    expect(profiFromApiItem('company', { deleted: true })).toEqual({ code: 'MISSING_VALUE', reason: expect.stringMatching(/tombstone has no id/) });
  });

  it('rejects an item it cannot type with the code and a reason naming stream, item and field', () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['client', { firstName: 'Anna' }, 'MISSING_VALUE', /client item without an id: .*client_id/],
      ['company', { id: 'CO-1' }, 'MISSING_VALUE', /company item "CO-1": .*name/],
      ['client', { id: 'CL-1', birthDate: '1985-02-30' }, 'BAD_DATE', /client item "CL-1": .*date_of_birth/],
      ['session', { id: 'SE-1', startsAt: 'tomorrow' }, 'BAD_TIMESTAMP', /starts_at/],
      ['payment', { id: 'PA-1', total: { gross: 'lots' } }, 'BAD_DECIMAL', /amount/],
      ['enrollment', { id: 'EN-1', progress: 'half' }, 'BAD_NUMBER', /progress_percent/],
      ['coach', { id: 'ST-1', active: 'maybe' }, 'BAD_BOOLEAN', /active/],
      ['reminder_sequence', { id: 'RS-1', name: 'x', trigger: { event: 'e' }, steps: [{ order: 1 }] }, 'MISSING_VALUE', /steps/],
    ];
    for (const [stream, item, code, reason] of cases) {
      const got = profiFromApiItem(stream, item);
      expect(got).toEqual({ code, reason: expect.stringMatching(reason) });
    }
    expect(profiFromApiItem('client', [] as unknown as Record<string, unknown>)).toMatchObject({ code: 'BAD_RECORD' });
  });

  it('knows every stream', () => {
    for (const s of PROFI_STREAM_NAMES) expect(() => profiToApiItem(s, { custom: {} })).not.toThrow();
    expect(() => profiToApiItem('booking', {})).toThrow(/no stream "booking"/);
  });
});
