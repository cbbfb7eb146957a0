import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { countOrphans, ReferenceChecker } from './reference.checker';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'refs-spec-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function* from(values: string[]) {
  for (const v of values) yield v;
}

describe('countOrphans', () => {
  it('counts values with no key, each occurrence and each distinct value', async () => {
    const r = await countOrphans(from(['a', 'b', 'b', 'c', 'x', 'x', 'y', 'z']), from(['a', 'b', 'd', 'y']));
    expect(r).toEqual({ orphans: 4, distinctOrphans: 3, examples: ['c', 'x', 'z'] });
  });

  it('finds no orphans when every value has its key, and all when there are no keys', async () => {
    expect(await countOrphans(from(['a', 'a', 'b']), from(['a', 'b', 'c']))).toEqual({ orphans: 0, distinctOrphans: 0, examples: [] });
    expect(await countOrphans(from(['a', 'b']), from([]))).toEqual({ orphans: 2, distinctOrphans: 2, examples: ['a', 'b'] });
  });
});

describe('ReferenceChecker', () => {
  it('counts orphans per reference over spills much larger than the buffer', async () => {
    const refs = new ReferenceChecker(dir, 100);
    // 5,000 contacts: every seventh points at a company that does not exist, every eleventh at none
    for (let i = 0; i < 1000; i++) refs.addKey('company', `co_${i}`);
    const orphans: string[] = [];
    let values = 0;
    for (let i = 0; i < 5000; i++) {
      refs.addKey('contact', `ct_${i}`);
      const target = i % 11 === 0 ? null : i % 7 === 0 ? `co_${1000 + (i % 300)}` : `co_${i % 1000}`;
      if (target !== null) values++;
      if (target !== null && i % 7 === 0) orphans.push(target);
      refs.addReference('contact', 'company_id', 'company', target);
    }
    refs.seal('company');
    refs.seal('contact');
    const [r] = await refs.references(() => 'unused');
    const distinct = [...new Set(orphans)].sort();
    expect(r).toEqual({
      object: 'contact', field: 'company_id', target: 'company', checked: true,
      values, orphans: orphans.length, distinctOrphans: distinct.length, examples: distinct.slice(0, 3),
    });
    expect(orphans.length).toBeGreaterThan(600);
    refs.dispose();
  });

  it('does not check a reference whose target was never read, and says why', async () => {
    const refs = new ReferenceChecker(dir);
    refs.addKey('contact', 'ct_1');
    refs.addReference('contact', 'owner_id', 'owner', 'own_1');
    const [r] = await refs.references((target) => `${target} is not in the export`);
    expect(r).toEqual({ object: 'contact', field: 'owner_id', target: 'owner', values: 1, checked: false, orphans: null, distinctOrphans: null, examples: [], note: 'owner is not in the export' });
  });

  it('checks references to an object that was read but is empty: all orphans', async () => {
    const refs = new ReferenceChecker(dir);
    refs.object('company');
    refs.addReference('contact', 'company_id', 'company', 'co_1');
    refs.addReference('contact', 'company_id', 'company', ' co_1 ');
    const [r] = await refs.references(() => 'unused');
    expect(r).toMatchObject({ checked: true, values: 2, orphans: 2, distinctOrphans: 1 });
  });

  it('reports a declared reference that never got a value', async () => {
    const refs = new ReferenceChecker(dir);
    refs.object('company');
    refs.declare('contact', 'company_id', 'company');
    expect(await refs.references(() => 'unused')).toEqual([
      { object: 'contact', field: 'company_id', target: 'company', values: 0, checked: true, orphans: 0, distinctOrphans: 0, examples: [] },
    ]);
  });

  it('reports missing and duplicated keys', async () => {
    const refs = new ReferenceChecker(dir, 3);
    for (const k of ['a', 'b', 'a', null, 'c', 'a', '', 'b', 'd', undefined]) refs.addKey('company', k);
    expect(await refs.keyReport('company')).toEqual({ missing: 3, duplicateKeys: 2, duplicateRecords: 5 });
    expect(await refs.keyReport('nothing')).toEqual({ missing: 0, duplicateKeys: 0, duplicateRecords: 0 });
  });
});
