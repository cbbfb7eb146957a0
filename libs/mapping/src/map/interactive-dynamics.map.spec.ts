import { templateMap } from './route-map.loader';
import { committedGolden, goldenOf } from './route-golden.test-support';

const route = 'interactive-dynamics';

describe(`the ${route} template on the Interactive clean fixtures`, () => {
  const map = templateMap(route);
  const golden = goldenOf(map);
  const of = (entry: string, sourceKey: string) => golden.outputs.filter((o) => o.entry === entry && o.sourceKey === sourceKey);

  it('gives the committed golden outputs (FERRY_UPDATE_GOLDEN=1 rewrites them; read the diff)', () => {
    expect(golden).toEqual(committedGolden(route, golden));
  });

  it('routes a contact to Lead or Contact by lifecycle stage, legacy spellings included', () => {
    expect(golden.outputs.filter((o) => o.object === 'contact' && o.entity !== 'account').map((o) => [o.sourceKey, o.entity])).toEqual([
      ['101000001', 'lead'],
      ['101000002', 'contact'],
      ['101000003', 'contact'],
    ]);
    const stage = (value: string | null) => map.apply('contact', 'x', { contact_id: 'x', last_name: 'X', lifecycle_stage: value, custom: {} }).outputs;
    expect(stage('MQL').map((o) => o.target.entity)).toEqual(['lead']);
    expect(stage('Customer ').map((o) => o.target.entity)).toEqual(['account', 'contact']);
    expect(stage(null).map((o) => o.target.entity)).toEqual(['account', 'contact']);
  });

  it('puts a contact without a company under the placeholder account, and only then', () => {
    expect(of('placeholder-account', '101000003').map((o) => o.key)).toEqual(['placeholder-no-company']);
    expect(of('contact', '101000003')[0].lookups).toEqual([{ column: 'parentcustomerid', candidates: ['account:placeholder-no-company'], deferrable: false }]);
    expect(of('contact', '101000002')[0].lookups).toEqual([{ column: 'parentcustomerid', candidates: ['account:201000001'], deferrable: false }]);
    expect(of('placeholder-account', '101000002')).toEqual([]);
  });

  it('links a company to its parent after both land (deferrable)', () => {
    expect(of('account', '201000001')[0].lookups).toEqual([{ column: 'parentaccountid', candidates: ['account:201000002'], deferrable: true }]);
  });
});
