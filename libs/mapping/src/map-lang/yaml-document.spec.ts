import { z } from 'zod';
import { formatPath, locate, MapDocumentError, parseDocument } from './yaml-document';

const schema = z
  .object({
    version: z.literal(1),
    objects: z.array(
      z
        .object({
          name: z.string(),
          key: z.string().optional(),
          fields: z.record(z.object({ from: z.union([z.string(), z.array(z.string())]), transforms: z.array(z.unknown()).optional() }).strict()),
        })
        .strict(),
    ),
  })
  .strict();

const good = `version: 1
objects:
  - name: contact
    key: "lower(email)"
    fields:
      lastname:
        from: last_name
        transforms: [trim, { truncate: { max: 50 } }]
  - name: account
    fields:
      name: { from: company }
`;

function problems(text: string): MapDocumentError {
  try {
    parseDocument(text, 'leaf360.map.yaml', schema);
  } catch (e) {
    if (e instanceof MapDocumentError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('parseDocument', () => {
  it('returns the validated document', () => {
    const doc = parseDocument(good, 'leaf360.map.yaml', schema);
    expect(doc.objects[0].fields.lastname.transforms).toEqual(['trim', { truncate: { max: 50 } }]);
    expect(doc.objects[1].fields.name.from).toBe('company');
  });

  it('reads JSON', () => {
    const json = JSON.stringify({ version: 1, objects: [{ name: 'contact', fields: { lastname: { from: 'last' } } }] }, null, 2);
    expect(parseDocument(json, 'map.json', schema).objects[0].name).toBe('contact');
    const bad = '{\n  "version": 1,\n  "objects": [\n    { "name": 7, "fields": {} }\n  ]\n}';
    const e = problems(bad);
    expect(e.issues).toEqual([{ file: 'leaf360.map.yaml', line: 4, column: 15, path: 'objects[0].name', message: 'expected string, found number 7' }]);
  });

  it('reports a syntax error with line and column', () => {
    const e = problems('version: 1\nobjects:\n  - name: contact\n    fields: [a, b\n');
    expect(e).toMatchObject({ code: 'MAP_INVALID', disposition: 'fatal' });
    expect(e.issues.length).toBeGreaterThan(0);
    expect(e.issues[0]).toMatchObject({ file: 'leaf360.map.yaml', line: 5, column: 1 });
    expect(e.message).toMatch(/^leaf360\.map\.yaml: \d+ problems? in the map document; fix (it|them) and run again:\n {2}leaf360\.map\.yaml:5:1 {2}\(document\) {2}/);
  });

  it('refuses duplicate keys', () => {
    const e = problems('version: 1\nobjects: []\nversion: 1\n');
    expect(e.issues).toEqual([
      { file: 'leaf360.map.yaml', line: 3, column: 1, path: '', message: 'this key appears twice in the same mapping; keep one' },
    ]);
  });

  it('points a missing required key at its parent', () => {
    const e = problems(good.replace('  - name: account\n', '  - nam: account\n'));
    expect(e.issues).toEqual([
      { file: 'leaf360.map.yaml', line: 9, column: 5, path: 'objects[1].name', message: 'required key missing (string expected)' },
      { file: 'leaf360.map.yaml', line: 9, column: 5, path: 'objects[1].nam', message: 'unknown key "nam"; check its spelling and where it is indented' },
    ]);
  });

  it('points a wrong type deep in an array at the value', () => {
    const e = problems(good.replace('from: company', 'from: [company, 7]'));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ line: 11, column: 31, path: 'objects[1].fields.name.from[1]' });
    expect(e.message).toContain('leaf360.map.yaml:11:31  objects[1].fields.name.from[1]  expected string, found number 7');
  });

  it('points an unknown key at the key itself when the schema is strict', () => {
    const e = problems(good.replace('        from: last_name\n', '        from: last_name\n        trasforms: [trim]\n'));
    expect(e.issues).toEqual([
      {
        file: 'leaf360.map.yaml',
        line: 8,
        column: 9,
        path: 'objects[0].fields.lastname.trasforms',
        message: 'unknown key "trasforms"; check its spelling and where it is indented',
      },
    ]);
  });

  it('an empty document and an empty value are located too', () => {
    expect(problems('').issues[0]).toMatchObject({ line: 1, column: 1, path: '', message: 'expected object, found null null' });
    const e = problems('version: 1\nobjects:\n');
    expect(e.issues[0]).toMatchObject({ line: 2, column: 1, path: 'objects' });
  });

  it('lists at most ten issues in the message', () => {
    const many = `version: 1\nobjects:\n${Array.from({ length: 12 }, (_, i) => `  - name: ${i}\n    fields: {}\n`).join('')}`;
    const e = problems(many);
    expect(e.issues).toHaveLength(12);
    expect(e.message.split('\n')).toHaveLength(12);
    expect(e.message).toMatch(/… and 2 more$/);
  });
});

describe('locate', () => {
  it('finds nodes for checks made after zod', () => {
    expect(locate(good, 'm.yaml', ['objects', 0, 'fields', 'lastname', 'transforms', 1, 'truncate', 'max'])).toEqual({ line: 8, column: 47 });
    expect(locate(good, 'm.yaml', ['objects', 1, 'fields', 'name'])).toEqual({ line: 11, column: 13 });
    expect(locate(good, 'm.yaml', ['objects', 1, 'fields', 'missing', 'from'])).toEqual({ line: 11, column: 7 });
    expect(locate(good, 'm.yaml', [])).toEqual({ line: 1, column: 1 });
  });

  it('formats paths for messages', () => {
    expect(formatPath(['objects', 3, 'fields', 'Loan Type', 'from'])).toBe('objects[3].fields["Loan Type"].from');
  });
});
