import { EntityRegistry } from '../metadata/entity-metadata';
import { DataverseHttpError } from './dataverse-http.error';
import { filterToSql, orderByToSql, parseFilter } from './odata-filter';

const account = new EntityRegistry().bySetName('accounts')!;
const sql = (text: string) => filterToSql(parseFilter(text), account, 2, (v) => v.toLowerCase());

describe('$filter', () => {
  it('parses precedence: and binds tighter than or, not applies to the next term', () => {
    expect(parseFilter("name eq 'a' or name eq 'b' and not telephone1 eq null")).toEqual({
      kind: 'or',
      left: { kind: 'compare', op: 'eq', left: { kind: 'property', name: 'name' }, right: { kind: 'literal', literal: { kind: 'string', value: 'a' } } },
      right: {
        kind: 'and',
        left: { kind: 'compare', op: 'eq', left: { kind: 'property', name: 'name' }, right: { kind: 'literal', literal: { kind: 'string', value: 'b' } } },
        right: {
          kind: 'not',
          expr: { kind: 'compare', op: 'eq', left: { kind: 'property', name: 'telephone1' }, right: { kind: 'literal', literal: { kind: 'null' } } },
        },
      },
    });
  });

  it('compares text case-insensitively with parameters, and nulls with IS NULL', () => {
    expect(sql("name eq 'O''Hara'")).toEqual({ sql: '(lower((data->>\'name\')) = lower($2::text))', params: ["O'Hara"] });
    expect(sql('telephone1 eq null').sql).toBe("((data->>'telephone1') IS NULL)");
    expect(sql("name ne 'x'").sql).toContain('IS DISTINCT FROM');
  });

  it('uses the alternate-key column for key equality', () => {
    expect(sql("crm_sourceid eq 'ABC'")).toEqual({ sql: '(alt_key = $2::text)', params: ['abc'] });
  });

  it('types numbers, booleans, dates, GUIDs and lookups', () => {
    expect(sql('statecode eq 0').sql).toBe("((data->>'statecode')::numeric = $2::numeric)");
    expect(sql('createdon ge 2024-01-01T00:00:00Z')).toEqual({ sql: '(createdon >= $2::timestamptz)', params: ['2024-01-01T00:00:00Z'] });
    const id = '6f1c2a10-0000-4000-8000-000000000001';
    expect(sql(`_ownerid_value eq ${id}`)).toEqual({ sql: "((data->'ownerid'->>'id') = $2::text)", params: [id] });
    expect(sql(`accountid eq ${id}`).sql).toBe('(id = $2::uuid)');
    expect(sql(`0 lt statecode`).sql).toBe("((data->>'statecode')::numeric > $2::numeric)");
  });

  it('translates contains/startswith/endswith to escaped ILIKE', () => {
    expect(sql("contains(name,'50%_off')")).toEqual({ sql: "((data->>'name') ILIKE $2::text)", params: ['%50\\%\\_off%'] });
    expect(sql("startswith(name, 'Con')").params).toEqual(['Con%']);
    expect(sql("endswith(name, 'Ltd')").params).toEqual(['%Ltd']);
  });

  it('refuses unknown columns and bad syntax with 400', () => {
    for (const bad of ["nosuch eq 'x'", "name eq 'x", 'name eq', "name foo 'x'", '(name eq null', "contains(statecode, 'x')", 'statecode eq true']) {
      expect(() => sql(bad)).toThrow(DataverseHttpError);
    }
  });

  it('orders by columns and always by id last', () => {
    expect(orderByToSql('name desc, createdon', account)).toBe("lower((data->>'name')) DESC NULLS LAST, createdon ASC NULLS FIRST, id");
    expect(orderByToSql(undefined, account)).toBe('id');
  });
});
