import { templateMap } from './route-map.loader';
import { committedGolden, goldenOf } from './route-golden.test-support';

const route = 'planports-dynamics';

describe(`the ${route} template on the Planports clean fixtures`, () => {
  const map = templateMap(route);
  const golden = goldenOf(map);

  it('gives the committed golden outputs (FERRY_UPDATE_GOLDEN=1 rewrites them; read the diff)', () => {
    expect(golden).toEqual(committedGolden(route, golden));
  });

  // Until the interpreter honours `related`, both sides of the contact split take every contact; these
  // expectations hold either way and name what changes after the merge.
  it('splits contacts into Contact and Lead by related deals, quotes and orders', () => {
    const byEntry = (id: string) => golden.outputs.filter((o) => o.entry === id);
    expect(byEntry('contact').every((o) => o.related === 'exists')).toBe(true);
    expect(byEntry('contact-as-lead').every((o) => o.related === 'absent')).toBe(true);
    expect(map.document.objects.find((e) => e.id === 'contact-as-lead')?.retire).toEqual({ set: { statecode: 1, statuscode: 3 } });
  });
});
