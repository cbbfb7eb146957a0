import { Injectable } from '@nestjs/common';
import { EntityRegistry, EntityTable, RecordNavigation, recordNavigation, referencingLookups } from '../metadata/entity-metadata';
import { Queryable, RecordStore, wholeSecondsNow } from '../store/record.store';
import { RecordAddress, parseAddress } from './alternate-key';
import { DataverseHttpError, Errors } from './dataverse-http.error';
import { ServiceTarget } from './service-path';

/** Strips a service root from an @odata.id / $id value: absolute, server-relative or service-relative. */
function relativePath(value: string): string {
  let path = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '');
  path = path.replace(/^\/?api\/data\/v\d+(\.\d+)?\//i, '');
  return path.replace(/^\/+/, '');
}

/**
 * $ref associate/disassociate over 1:N and N:N relationships, and what deleting a record does to the records
 * related to it (each relationship's CascadeDelete from the metadata).
 */
@Injectable()
export class RelationshipService {
  constructor(
    private readonly registry: EntityRegistry,
    private readonly store: RecordStore,
  ) {}

  private async idOf(db: Queryable, table: EntityTable, address: RecordAddress): Promise<string> {
    const row = address.kind === 'id' ? await this.store.getById(db, table, address.id) : await this.store.getByKeyAddress(db, table, address);
    if (!row) throw address.kind === 'id' ? Errors.recordNotFound(table.logicalName, address.id) : Errors.keyNotFound(table.logicalName);
    return row.id;
  }

  /** Reads a record reference (`@odata.id` or `$id`) that must point at `expected`. */
  private async reference(db: Queryable, value: unknown, expected: EntityTable): Promise<string> {
    if (typeof value !== 'string' || !value.trim()) throw Errors.badRequest("The request needs an '@odata.id' holding the related record's URL.");
    let path = relativePath(value);
    try {
      path = decodeURIComponent(path);
    } catch {
      // the key parser reports what is wrong
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/.exec(path);
    if (!m) throw Errors.badRequest(`The value '${value}' is not a valid entity reference.`);
    const table = this.registry.bySetName(m[1]);
    if (!table) throw Errors.resourceNotFound(m[1]);
    if (table.logicalName !== expected.logicalName) {
      throw Errors.badRequest(`The reference '${value}' points at '${table.logicalName}'; this navigation property relates '${expected.logicalName}' records.`);
    }
    return this.idOf(db, table, parseAddress(table, m[2]));
  }

  /**
   * POST|PUT /<set>(<id>)/<nav>/$ref {"@odata.id"}, DELETE /<set>(<id>)/<nav>/$ref[?$id=…] and
   * DELETE /<set>(<id>)/<nav>(<id>)/$ref.
   */
  async ref(db: Queryable, method: string, table: EntityTable, address: RecordAddress, navSegment: string, target: ServiceTarget, body: () => unknown): Promise<void> {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(navSegment);
    const nav = m ? recordNavigation(this.registry, table, m[1]) : undefined;
    if (!m || !nav) throw Errors.resourceNotFound(navSegment);
    if (table.meta.readOnly) throw new DataverseHttpError(405, '0x80060888', `The sandbox serves '${table.setName}' read-only.`);
    const id = await this.idOf(db, table, address);
    const related = nav.kind === 'lookup' ? nav.target : nav.kind === 'one-to-many' ? nav.child : nav.other;
    const now = wholeSecondsNow();

    if (method === 'POST' || method === 'PUT') {
      if (m[2] !== undefined) throw Errors.methodNotAllowed(method);
      if ((method === 'PUT') !== (nav.kind === 'lookup')) {
        throw Errors.methodNotAllowed(method === 'PUT' ? 'PUT (a collection-valued navigation property takes POST)' : 'POST (a single-valued navigation property takes PUT)');
      }
      const ref = body() as Record<string, unknown> | null;
      const otherId = await this.reference(db, ref && typeof ref === 'object' ? ref['@odata.id'] : undefined, related);
      await this.link(db, nav, table, id, related, otherId, now);
      return;
    }
    if (method !== 'DELETE') throw Errors.methodNotAllowed(method);
    if (nav.kind === 'lookup') {
      if (m[2] !== undefined || target.query.has('$id')) throw Errors.badRequest('A single-valued navigation property is disassociated without $id.');
      if (nav.attribute.requiredLevel === 'SystemRequired') throw Errors.requiredMissing(nav.attribute.logicalName, table.logicalName);
      await this.store.setLookup(db, table, [id], nav.attribute.logicalName, null, now);
      return;
    }
    const otherId =
      m[2] !== undefined ? await this.idOf(db, related, parseAddress(related, m[2])) : await this.reference(db, target.query.get('$id'), related);
    if (nav.kind === 'one-to-many') {
      const children = await this.store.referencing(db, nav.child, nav.attribute.logicalName, table.logicalName, id);
      if (!children.includes(otherId)) throw Errors.badRequest(`The ${related.logicalName} record ${otherId} is not related to ${table.logicalName} ${id} through '${nav.name}'.`);
      if (nav.attribute.requiredLevel === 'SystemRequired') throw Errors.requiredMissing(nav.attribute.logicalName, related.logicalName);
      await this.store.setLookup(db, nav.child, [otherId], nav.attribute.logicalName, null, now);
      return;
    }
    const [id1, id2] = nav.side === 1 ? [id, otherId] : [otherId, id];
    await this.store.disassociate(db, nav.relationship.schemaName, id1, id2);
  }

  private async link(db: Queryable, nav: RecordNavigation, table: EntityTable, id: string, related: EntityTable, otherId: string, now: Date): Promise<void> {
    if (nav.kind === 'lookup') {
      await this.store.setLookup(db, table, [id], nav.attribute.logicalName, { id: otherId, type: related.logicalName }, now);
    } else if (nav.kind === 'one-to-many') {
      await this.store.setLookup(db, nav.child, [otherId], nav.attribute.logicalName, { id, type: table.logicalName }, now);
    } else {
      const [id1, id2] = nav.side === 1 ? [id, otherId] : [otherId, id];
      if (!(await this.store.associate(db, nav.relationship.schemaName, id1, id2))) {
        throw new DataverseHttpError(400, '0x80040237', 'Cannot insert duplicate key.');
      }
    }
  }

  /** GET /<set>(<id>)/<nav>/$ref: the related records' ids and their table. */
  async related(db: Queryable, table: EntityTable, address: RecordAddress, navName: string): Promise<{ table: EntityTable; ids: string[] }> {
    const nav = recordNavigation(this.registry, table, navName);
    if (!nav) throw Errors.resourceNotFound(navName);
    const id = await this.idOf(db, table, address);
    if (nav.kind === 'many-to-many') return { table: nav.other, ids: await this.store.associated(db, nav.relationship.schemaName, nav.side, id) };
    if (nav.kind === 'one-to-many') return { table: nav.child, ids: await this.store.referencing(db, nav.child, nav.attribute.logicalName, table.logicalName, id) };
    const row = await this.store.getById(db, table, id);
    const v = row?.data[nav.attribute.logicalName] as { id: string; type: string } | null | undefined;
    return { table: nav.target, ids: v && v.type === nav.target.logicalName ? [v.id] : [] };
  }

  /**
   * Deletes a record after applying every relationship's cascade: Cascade deletes the children (recursively),
   * RemoveLink clears their lookup, Restrict refuses while children exist; N:N associations go.
   */
  async deleteRecord(db: Queryable, table: EntityTable, id: string, seen = new Set<string>()): Promise<void> {
    const mark = `${table.logicalName}|${id}`;
    if (seen.has(mark)) return;
    seen.add(mark);
    const now = wholeSecondsNow();
    for (const { child, attribute } of referencingLookups(this.registry, table)) {
      if (attribute.logicalName === 'ownerid') continue;
      const children = (await this.store.referencing(db, child, attribute.logicalName, table.logicalName, id)).filter((c) => !seen.has(`${child.logicalName}|${c}`));
      if (children.length === 0) continue;
      const behaviour = attribute.cascadeDelete ?? 'RemoveLink';
      if (behaviour === 'Restrict') {
        throw new DataverseHttpError(
          400,
          '0x0',
          `The ${table.logicalName} record cannot be deleted because ${children.length} ${child.logicalName} record(s) refer to it through '${attribute.logicalName}' (cascade Restrict).`,
        );
      }
      if (behaviour === 'Cascade') for (const c of children) await this.deleteRecord(db, child, c, seen);
      else await this.store.setLookup(db, child, children, attribute.logicalName, null, now);
    }
    for (const r of this.registry.manyToMany) {
      if (r.entity1 === table.logicalName) await this.store.dropAssociations(db, [r.schemaName], 1, id);
      if (r.entity2 === table.logicalName) await this.store.dropAssociations(db, [r.schemaName], 2, id);
    }
    await this.store.deleteById(db, table, id);
  }
}
