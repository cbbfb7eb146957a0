import { templateMap } from './route-map.loader';
import { committedGolden, goldenOf } from './route-golden.test-support';

const route = 'profi-dynamics';

describe(`the ${route} template on the Profi clean fixtures`, () => {
  const map = templateMap(route);
  const golden = goldenOf(map);

  it('gives the committed golden outputs (FERRY_UPDATE_GOLDEN=1 rewrites them; read the diff)', () => {
    expect(golden).toEqual(committedGolden(route, golden));
  });

  // Until the interpreter honours `related`, both sides of the client split take every client; after the merge the
  // golden file is regenerated and a client is a Contact only when it has a session.
  it('splits clients into Contact (has a session) and Lead (none yet), the Lead closing as qualified', () => {
    const contact = map.document.objects.find((e) => e.id === 'contact');
    const lead = map.document.objects.find((e) => e.id === 'client-as-lead');
    expect(contact?.related).toMatchObject({ when: 'exists', of: [{ object: 'session', key: 'client_id' }] });
    expect(lead?.related).toMatchObject({ when: 'absent', of: [{ object: 'session', key: 'client_id' }] });
    expect(lead?.retire).toEqual({ set: { statecode: 1, statuscode: 3 } });
  });

  it('loads accounts, then contacts and leads, then the custom tables: the lookups say so', () => {
    const entities = map.plan.entities.map((e) => e.entity);
    expect(entities).toEqual(expect.arrayContaining(['crm_programenrollment', 'crm_coachingpayment', 'crm_coach']));
    const payment = golden.outputs.find((o) => o.entry === 'coaching-payment' && o.sourceKey === 'PA-0000001');
    expect(payment?.lookups).toEqual([
      { column: 'crm_clientid', candidates: ['contact:CL-0000001', 'lead:CL-0000001'], deferrable: false },
      { column: 'crm_programenrollmentid', candidates: ['crm_programenrollment:EN-0000001'], deferrable: false },
    ]);
  });
});
