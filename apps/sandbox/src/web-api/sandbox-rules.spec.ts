import { EntityRegistry, navigationName, oneToManyName } from '../metadata/entity-metadata';
import { normalizeAudience } from '../auth/token.service';
import { DataverseHttpError } from './dataverse-http.error';
import { pluralOf } from './metadata.api';
import { applyState, preparePayload } from './payload';
import { parseServiceUrl } from './service-path';
import { checkQueryOptions } from './web-api.service';

const registry = new EntityRegistry();
const table = (name: string) => registry.byLogicalName(name)!;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof DataverseHttpError ? `${err.status} ${err.code}` : String(err);
  }
};

describe('sandbox rules', () => {
  it('refuses unimplemented query options with 501 and unknown ones with 400', () => {
    const q = (query: string) => () => checkQueryOptions(parseServiceUrl(`accounts?${query}`, '/api/data/v9.2'), new Set(['$select', '$filter']));
    expect(codeOf(q('$select=name'))).toBeUndefined();
    expect(codeOf(q('$expand=x'))).toBe('501 0x0');
    expect(codeOf(q('fetchXml=%3Cfetch%2F%3E'))).toBe('501 0x0');
    expect(codeOf(q('$apply=groupby((name))'))).toBe('501 0x0');
    expect(codeOf(q('$orderby=name'))).toBe('400 0x0');
    expect(codeOf(q('$skip=1'))).toBe('400 0x0');
    expect(codeOf(q('foo=1'))).toBe('400 0x0');
  });

  it('compares token audiences as URLs with loopback names equivalent', () => {
    expect(normalizeAudience('HTTP://LocalHost:8181/')).toBe('http://127.0.0.1:8181');
    expect(normalizeAudience('https://org.crm.dynamics.com')).toBe('https://org.crm.dynamics.com');
  });

  it('names entity sets and navigation properties as the platform does', () => {
    expect(pluralOf('crm_property')).toBe('crm_properties');
    expect(pluralOf('crm_loan')).toBe('crm_loans');
    expect(pluralOf('crm_branch')).toBe('crm_branches');
    const task = table('task');
    const regarding = task.attributes.get('regardingobjectid')!;
    expect(navigationName(regarding, 'contact', [])).toBe('regardingobjectid_contact_task');
    expect(task.navigation.has('regardingobjectid_lead_task')).toBe(true);
    expect(table('annotation').navigation.has('objectid_account')).toBe(true);
    expect(oneToManyName(table('contact'), table('contact').attributes.get('parentcustomerid')!, table('account'))).toBe('contact_customer_accounts');
    expect(table('quotedetail').navigation.has('quoteid')).toBe(true);
  });

  it('defaults state and status and refuses a status outside its state', () => {
    const task = table('task');
    const created: Record<string, unknown> = {};
    expect(applyState(task, created, true)).toBe('ok');
    expect(created).toEqual({ statecode: 0, statuscode: 2 });
    const closed: Record<string, unknown> = { statecode: 2 };
    applyState(task, closed, false);
    expect(closed.statuscode).toBe(6);
    expect(applyState(task, { statuscode: 5 }, false)).toBe('needs-current');
    expect(codeOf(() => applyState(task, { statecode: 1, statuscode: 6 }, false))).toBe('400 0x80048408');
    expect(codeOf(() => applyState(table('lead'), { statecode: 3 }, false))).toBe('400 0x8004431A');
  });

  it('checks activity parties and the note size limit', () => {
    const parties = (mask: number) => () =>
      preparePayload(registry, table('email'), { email_activity_parties: [{ 'partyid_contact@odata.bind': '/contacts(00000000-0000-0000-0000-000000000001)', participationtypemask: mask }] });
    expect(codeOf(parties(11))).toBeUndefined();
    expect(codeOf(parties(0))).toBe('400 0x8004431A');
    expect(codeOf(parties(12))).toBe('400 0x8004431A');
    const prepared = parties(2)() as ReturnType<typeof preparePayload>;
    expect(prepared.parties?.[0].mask).toBe(2);
    const note = (size: number) => () => preparePayload(registry, table('annotation'), { documentbody: 'A'.repeat(size) }, { maxUploadFileSize: 10 });
    expect(codeOf(note(10))).toBeUndefined();
    expect(codeOf(note(11))).toBe('400 0x80044a02');
  });
});
