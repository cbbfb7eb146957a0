import { templateMap } from './route-map.loader';
import { committedGolden, goldenOf } from './route-golden.test-support';

const route = 'leaf360-dynamics';

describe(`the ${route} template on the Leaf360 clean fixtures`, () => {
  const map = templateMap(route);
  const golden = goldenOf(map);
  const of = (entry: string, sourceKey: string) => golden.outputs.filter((o) => o.entry === entry && o.sourceKey === sourceKey);

  it('gives the committed golden outputs (FERRY_UPDATE_GOLDEN=1 rewrites them; read the diff)', () => {
    expect(golden).toEqual(committedGolden(route, golden));
  });

  it('keeps the three original entries, their keys and columns', () => {
    expect(of('account', 'co_1')[0]).toMatchObject({ entity: 'account', key: 'co_1', record: { name: 'Kim, Anderson & Associates', crm_propertyaddress: '1200 Oak St, Suite 210' } });
    expect(of('contact', 'ct_1')[0]).toMatchObject({ entity: 'contact', key: 'ct_1', record: { crm_loanstatus: 'Pre-Approval' }, owner: 'alicia.moreno@contoso-lending.example' });
    expect(of('opportunity', 'dl_1')[0]).toMatchObject({ entity: 'opportunity', key: 'dl_1', record: { stepname: 'Pre-Approval', salesstage: 0, closeprobability: 20 } });
  });

  it('puts a contact without a company under the placeholder account', () => {
    expect(of('placeholder-account', 'ct_2').map((o) => o.key)).toEqual(['placeholder-no-company']);
    expect(of('contact', 'ct_2')[0].lookups).toEqual([{ column: 'parentcustomerid', candidates: ['account:placeholder-no-company'], deferrable: false }]);
  });

  it('routes engagements by type whatever their spelling, and a referral to a connection with its role', () => {
    expect(golden.outputs.filter((o) => o.object === 'engagement').map((o) => [o.sourceKey, o.entity])).toEqual([
      ['en_1', 'phonecall'], ['en_2', 'email'], ['en_3', 'appointment'], ['en_4', 'annotation'],
    ]);
    expect(of('referral', 'rf_1')[0].lookups).toEqual([
      { column: 'record1id', candidates: ['contact:ct_3'], deferrable: false },
      { column: 'record2id', candidates: ['contact:ct_1'], deferrable: false },
      { column: 'record1roleid', candidates: ['connectionrole:referred-by'], deferrable: false },
    ]);
  });

  it('flags a file over the annotation size limit instead of uploading it', () => {
    expect(of('oversized-attachment', 'at_3')).toHaveLength(1);
    expect(of('attachment', 'at_3')).toEqual([]);
  });
});
