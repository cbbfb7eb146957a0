import { planEntity } from '@ferry/contracts';
import { templateMap } from './route-map.loader';
import { committedGolden, goldenOf } from './route-golden.test-support';

const route = 'planports-salesforce';

describe(`the ${route} template on the Planports clean fixtures`, () => {
  const map = templateMap(route);
  const golden = goldenOf(map);
  const out = (entry: string, key: string) => golden.outputs.find((o) => o.entry === entry && o.sourceKey === key)!;

  it('gives the committed golden outputs (FERRY_UPDATE_GOLDEN=1 rewrites them; read the diff)', () => {
    expect(golden).toEqual(committedGolden(route, golden));
    expect(golden.rejections).toEqual([]);
  });

  it('declares a record type with its sales process per pipeline, and the picklist values the map writes', () => {
    const opp = planEntity(map.plan, 'opportunity');
    expect(opp.processes?.typeColumn).toBe('recordtypeid');
    expect(opp.processes?.types.map((t) => t.name)).toEqual(['Satis', 'Health_Tourism_Patients', 'Gayrimenkul_Satis', 'Agency_Retainers', 'Health_Tourism_Dental', 'Kiralama']);
    const stageNames = new Set(opp.processes!.types.flatMap((t) => t.stages.map((s) => s.name)));
    // every stage the value map writes belongs to some sales process
    expect(opp.columns.find((c) => c.name === 'stagename')!.values!.filter((v) => !stageNames.has(v))).toEqual([]);
    expect(planEntity(map.plan, 'lead').columns.find((c) => c.name === 'status')!.values).toEqual(
      expect.arrayContaining(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted']),
    );
    expect(map.plan.sourceObjects).toEqual(expect.arrayContaining(['user', 'process_board', 'board_column']));
  });

  it('reads owners, accounts and board names from other objects through ref()', () => {
    expect(out('opportunity', 'dl_001')).toMatchObject({ owner: 'alicia.moreno@contoso-lending.example', record: { recordtypeid: 'Health_Tourism_Patients', stagename: 'Treated', original_owner__c: 'Alicia Moreno' } });
    expect(out('opportunity', 'dl_001').record).not.toHaveProperty('probability');
    expect(out('order', 'ord_001').lookups.map((l) => `${l.column}=${l.candidates.join('|')}`)).toEqual(
      expect.arrayContaining(['accountid=account:yıldız-turizm-ltd-sti', 'contractid=contract:ord_001']),
    );
    expect(out('contract', 'ord_001').record).toMatchObject({ startdate: 19758, status: 'Draft', contractterm: 12 });
    // a deal whose contact is unknown falls back to the contact's own account key
    expect(out('opportunity', 'dl_003').lookups[0].candidates).toEqual(['account:contact-ct_999']);
    expect(out('service-card', 'crd_001').record).toMatchObject({ board__c: 'Patient Journey', board_column__c: 'Photos', status: 'New' });
    expect(out('note', 'nt_001').record).toMatchObject({ pathonclient: 'planports-nt_001.snote' });
    expect(out('email-message', 'act_002').lookups).toEqual([{ column: 'activityid', candidates: ['task:act_002'], deferrable: false }]);
  });
});
