import { Injectable } from '@nestjs/common';
import { canonicalId, MASTER_RECORD_TYPE_ID } from './sf-ids';
import { RecErr, SfRecordError } from './sf-errors';
import { SfLimits } from './sf-limits.service';
import { SfMetadata } from './sf-metadata.service';
import { SfField, SfObjectDef } from './sf-objects';
import { SfOrg } from './sf-org';
import { Db, KeyValue, SfRow, SfStore } from './sf-store';
import { addMonths, coerceValue, keyText, sfDateTime, systemFields } from './sf-values';

export interface WriteContext {
  db: Db;
  /** the integration user the token belongs to */
  userId: string;
  now: Date;
  /** metadata objects written in this context; the caller refreshes describe after commit */
  touched: Set<string>;
}

export type Body = Record<string, unknown>;

/** An upsert whose external ID matched several records: 300 in a single call, DUPLICATE_EXTERNAL_ID in a collection. */
export class MultipleMatches extends SfRecordError {
  constructor(
    readonly object: string,
    readonly field: string,
    readonly ids: string[],
  ) {
    super('DUPLICATE_EXTERNAL_ID', `${field}: more than one record found for external id field: [${ids.join(', ')}]`, [], 300);
  }
}

const AUTO_NUMBERS: Record<string, { field: string; width: number }> = {
  Quote: { field: 'QuoteNumber', width: 8 },
  Order: { field: 'OrderNumber', width: 8 },
  Contract: { field: 'ContractNumber', width: 8 },
  Case: { field: 'CaseNumber', width: 8 },
  OrderItem: { field: 'OrderItemNumber', width: 10 },
  QuoteLineItem: { field: 'LineNumber', width: 7 },
};

function sameValue(a: unknown, b: unknown): boolean {
  return (a ?? null) === (b ?? null);
}

const FILE_TYPES: Record<string, string> = {
  pdf: 'PDF', png: 'PNG', jpg: 'JPG', jpeg: 'JPG', gif: 'GIF', txt: 'TEXT', csv: 'CSV', html: 'HTML', htm: 'HTML', xml: 'XML',
  doc: 'WORD', docx: 'WORD_X', xls: 'EXCEL', xlsx: 'EXCEL_X', ppt: 'POWER_POINT', pptx: 'POWER_POINT_X', zip: 'ZIP', snote: 'SNOTE',
  json: 'JSON', rtf: 'RTF', mp3: 'MP3', mp4: 'MP4', eml: 'EML', msg: 'MSG',
};

/**
 * Every record write of the org: field resolution and describe-driven validation, parents by external ID, object
 * rules, uniqueness, and the side effects of a ContentVersion. Works inside the caller's transaction.
 */
@Injectable()
export class SfWriter {
  constructor(
    private readonly store: SfStore,
    private readonly meta: SfMetadata,
    private readonly org: SfOrg,
    private readonly limits: SfLimits,
  ) {}

  async create(ctx: WriteContext, def: SfObjectDef, body: Body): Promise<string> {
    this.lockFault(def);
    if (!def.createable) throw new SfRecordError('INVALID_TYPE', `entity type ${def.name} does not support insert`, []);
    const changes = await this.resolveBody(ctx, def, body, 'insert');
    const id = await this.store.newId(ctx.db, def.keyPrefix);
    const now = sfDateTime(ctx.now);
    const data: Body = {};
    for (const f of def.fields) if (f.name !== 'Id') data[f.name] = null;
    Object.assign(data, systemFields(now, ctx.userId));
    if (def.fields.some((f) => f.name === 'OwnerId')) data.OwnerId = ctx.userId;
    for (const f of this.meta.fields(def)) {
      if (f.type === 'boolean' && data[f.name] === null) data[f.name] = false;
      const dflt = f.picklistValues.find((v) => v.defaultValue);
      if (dflt && f.defaultedOnCreate) data[f.name] = dflt.value;
    }
    for (const [k, v] of Object.entries(changes)) if (v !== null || !['CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'OwnerId'].includes(k)) data[k] = v;
    if (changes.CreatedDate && !changes.LastModifiedDate) data.LastModifiedDate = changes.CreatedDate;
    if (changes.CreatedById && !changes.LastModifiedById) data.LastModifiedById = changes.CreatedById;
    this.checkRequired(def, data);
    await this.rules(ctx, def, data, null, changes, id);
    await this.checkUnique(ctx, def, data, id);
    await this.store.insert(ctx.db, def.name, id, data, this.keysOf(def, data));
    await this.afterInsert(ctx, def, id, data);
    if (SfMetadata.METADATA_OBJECTS.has(def.name)) ctx.touched.add(def.name);
    return id;
  }

  async update(ctx: WriteContext, def: SfObjectDef | null, rawId: unknown, body: Body): Promise<string> {
    const id = canonicalId(rawId);
    if (!id) throw RecErr.malformedRecordId(String(rawId));
    const row = await this.store.get(ctx.db, id, true);
    if (!row || (def && row.object !== def.name)) throw def ? RecErr.notFoundId() : RecErr.crossRef('Id');
    if (row.isDeleted) throw RecErr.entityDeleted();
    const target = def ?? this.meta.object(row.object)!;
    this.lockFault(target);
    if (!target.updateable) throw new SfRecordError('INVALID_TYPE', `entity type ${target.name} does not support update`, []);
    return this.updateRow(ctx, target, row, body);
  }

  private async updateRow(ctx: WriteContext, def: SfObjectDef, row: SfRow, body: Body, upsert = false): Promise<string> {
    const changes = await this.resolveBody(ctx, def, body, 'update', upsert && !this.org.settings.upsertRejectsCreateOnlyFields ? row.data : undefined);
    const data: Body = { ...row.data, ...changes };
    const now = sfDateTime(ctx.now);
    Object.assign(data, { LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now });
    for (const [k, v] of Object.entries(changes)) {
      const f = this.meta.field(def, k);
      if (v === null && f && !f.nillable) throw RecErr.required([f.name]);
    }
    await this.rules(ctx, def, data, row.data, changes, row.id);
    await this.checkUnique(ctx, def, data, row.id);
    await this.store.update(ctx.db, def.name, row.id, data);
    await this.store.setKeys(ctx.db, def.name, row.id, this.keysOf(def, data));
    if (SfMetadata.METADATA_OBJECTS.has(def.name)) ctx.touched.add(def.name);
    return row.id;
  }

  /** Upsert by an external-ID field (or Id): created or updated, MultipleMatches when several records hold the value. */
  async upsert(ctx: WriteContext, def: SfObjectDef, fieldName: string, value: string, body: Body): Promise<{ id: string; created: boolean }> {
    const field = this.upsertField(def, fieldName);
    if (!field) throw new SfRecordError('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`, [], 404);
    const inBody = Object.keys(body).find((k) => k.toLowerCase() === field.name.toLowerCase());
    if (inBody && body[inBody] !== null && String(body[inBody]) !== value && field.name !== 'Id') {
      throw new SfRecordError('INVALID_FIELD', `The value of the external id field ${field.name} in the URL (${value}) does not match the value in the body (${String(body[inBody])})`, [field.name]);
    }
    const ids = await this.match(ctx, def, field, value);
    if (ids.length > 1) throw new MultipleMatches(def.name, field.name, ids);
    if (ids.length === 1) {
      this.lockFault(def);
      const row = (await this.store.get(ctx.db, ids[0]))!;
      const rest = { ...body };
      if (inBody) delete rest[inBody];
      await this.updateRow(ctx, def, row, rest, true);
      return { id: row.id, created: false };
    }
    if (field.name === 'Id') throw RecErr.notFoundId();
    const id = await this.create(ctx, def, { ...body, [field.name]: value });
    return { id, created: true };
  }

  upsertField(def: SfObjectDef, name: string): SfField | undefined {
    const f = this.meta.field(def, name);
    return f && (f.externalId || f.name === 'Id') ? f : undefined;
  }

  async match(ctx: WriteContext, def: SfObjectDef, field: SfField, value: string): Promise<string[]> {
    if (field.name === 'Id') {
      const id = canonicalId(value);
      const row = id ? await this.store.get(ctx.db, id) : null;
      return row && row.object === def.name ? [row.id] : [];
    }
    const text = keyText(field, coerceValue(field, value));
    return text === null ? [] : this.store.findByKey(ctx.db, def.name, field.name, text);
  }

  async remove(ctx: WriteContext, rawId: unknown, hard = false, expected?: SfObjectDef): Promise<string> {
    const id = canonicalId(rawId);
    if (!id) throw RecErr.malformedRecordId(String(rawId));
    const row = await this.store.get(ctx.db, id, true);
    if (!row || (expected && row.object !== expected.name)) throw expected ? RecErr.notFoundId() : RecErr.crossRef('Id');
    if (row.isDeleted && !hard) throw RecErr.entityDeleted();
    const def = this.meta.object(row.object) ?? this.meta.object(row.object, true)!;
    this.lockFault(def);
    if (!def.deletable) throw new SfRecordError('INVALID_TYPE', `entity type ${def.name} does not support delete`, []);
    if (def.name === 'Pricebook2' && row.data.IsStandard === true) {
      throw new SfRecordError('STANDARD_PRICE_BOOK_DELETE', 'You cannot delete the standard price book', []);
    }
    if (hard) await this.store.hardDelete(ctx.db, def.name, id);
    else await this.store.softDelete(ctx.db, def.name, id, { ...row.data, IsDeleted: true, SystemModstamp: sfDateTime(ctx.now) });
    if (def.name === 'ContentDocument') {
      for (const link of await this.store.findWhere(ctx.db, 'ContentDocumentLink', { ContentDocumentId: id })) await this.store.softDelete(ctx.db, link.object, link.id, { ...link.data, IsDeleted: true });
      for (const v of await this.store.findWhere(ctx.db, 'ContentVersion', { ContentDocumentId: id })) await this.store.softDelete(ctx.db, v.object, v.id, { ...v.data, IsDeleted: true });
      const note = await this.store.getAs(ctx.db, 'ContentNote', id);
      if (note) await this.store.softDelete(ctx.db, 'ContentNote', id, { ...note.data, IsDeleted: true });
    }
    if (SfMetadata.METADATA_OBJECTS.has(def.name)) ctx.touched.add(def.name);
    return id;
  }

  private lockFault(def: SfObjectDef): void {
    if (this.limits.takeLockFault(def.name)) throw RecErr.lockRow();
  }

  /**
   * Body keys → API names and stored values; parents given by external ID become their ids. `unchangedOk` (an upsert
   * that matched) lets a create-only field through when it repeats the stored value, so a replayed upsert of a
   * line item or a file succeeds; a different value is still refused.
   */
  async resolveBody(ctx: WriteContext, def: SfObjectDef, body: Body, mode: 'insert' | 'update', unchangedOk?: Body): Promise<Body> {
    const out: Body = {};
    const writable = (field: SfField, value: unknown): boolean => {
      if (mode === 'insert' ? field.createable : field.updateable) return true;
      if (unchangedOk && field.createable && sameValue(unchangedOk[field.name], value)) return false;
      throw RecErr.notWritable(field.name);
    };
    for (const [key, raw] of Object.entries(body)) {
      if (key === 'attributes') continue;
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
        const { field, id } = await this.parentByExternalId(ctx, def, key, raw as Body);
        if (writable(field, id)) out[field.name] = id;
        continue;
      }
      const field = this.meta.field(def, key);
      if (!field) throw RecErr.noSuchColumn(key, def.name);
      if (field.name === 'Id') {
        if (mode === 'insert') throw new SfRecordError('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
        continue;
      }
      if (mode === 'insert' ? !field.createable : !field.updateable && !(unchangedOk && field.createable)) throw RecErr.notWritable(field.name);
      const value = coerceValue(field, raw);
      if (!writable(field, value)) continue;
      if (field.type === 'reference' && value !== null) await this.checkReference(ctx, def, field, value as string);
      out[field.name] = value;
    }
    return out;
  }

  private async parentByExternalId(ctx: WriteContext, def: SfObjectDef, relationship: string, ref: Body): Promise<{ field: SfField; id: string }> {
    const lower = relationship.toLowerCase();
    const field = this.meta.fields(def).find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === lower);
    if (!field) throw RecErr.noSuchColumn(relationship, def.name);
    const attrs = ref.attributes as { type?: string } | undefined;
    const keys = Object.keys(ref).filter((k) => k !== 'attributes');
    const targetName = attrs?.type ?? (field.referenceTo.length === 1 ? field.referenceTo[0] : undefined);
    if (!targetName) {
      throw new SfRecordError('INVALID_FIELD', `${field.name} is polymorphic: name the parent's type in "attributes": {"type": ...} of ${relationship}`, [field.name]);
    }
    const target = this.meta.object(targetName);
    if (!target || !field.referenceTo.includes(target.name)) throw RecErr.crossRef(field.name);
    if (keys.length !== 1) throw new SfRecordError('INVALID_FIELD', `${relationship}: give exactly one external ID field of ${target.name}`, [field.name]);
    const extField = this.meta.field(target, keys[0]);
    if (!extField || !(extField.externalId || extField.idLookup)) {
      throw new SfRecordError('INVALID_FIELD', `Field ${keys[0]} is not an External ID or indexed field for ${target.name}`, [field.name]);
    }
    const value = ref[keys[0]];
    const text = String(value ?? '');
    const ids = await this.match(ctx, target, extField, text);
    if (ids.length === 0) throw RecErr.foreignKey(text, extField.name, target.name);
    if (ids.length > 1) throw RecErr.foreignKeyMany(text, extField.name, target.name);
    await this.checkReference(ctx, def, field, ids[0]);
    return { field, id: ids[0] };
  }

  private async checkReference(ctx: WriteContext, def: SfObjectDef, field: SfField, id: string): Promise<void> {
    if (field.name === 'RecordTypeId' && id === MASTER_RECORD_TYPE_ID) return;
    const row = await this.store.get(ctx.db, id);
    if (!row || !field.referenceTo.includes(row.object)) throw RecErr.crossRef(field.name);
    // Audit fields may name a departed (inactive) user; an owner must be active.
    if (row.object === 'User' && field.name === 'OwnerId' && row.data.IsActive !== true) throw RecErr.inactiveOwner(field.name);
    if (field.name === 'RecordTypeId') {
      if (String(row.data.SobjectType) !== def.name || row.data.IsActive === false) throw RecErr.crossRef(field.name);
    }
  }

  private checkRequired(def: SfObjectDef, data: Body): void {
    const missing = this.meta
      .fields(def)
      .filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && (data[f.name] === null || data[f.name] === undefined || data[f.name] === ''))
      .map((f) => f.name);
    if (missing.length) throw RecErr.required(missing);
  }

  private async checkUnique(ctx: WriteContext, def: SfObjectDef, data: Body, id: string): Promise<void> {
    for (const f of this.meta.rawFields(def)) {
      if (!f.unique) continue;
      const text = keyText(f, data[f.name]);
      if (text === null) continue;
      const other = (await this.store.findByKey(ctx.db, def.name, f.name, text, 2)).find((x) => x !== id);
      if (other) throw RecErr.duplicate(f.name, other);
    }
  }

  private keysOf(def: SfObjectDef, data: Body): KeyValue[] {
    const out: KeyValue[] = [];
    for (const f of this.meta.rawFields(def)) {
      if (f.type === 'id' || !(f.unique || f.externalId || f.idLookup)) continue;
      const text = keyText(f, data[f.name]);
      if (text !== null) out.push({ field: f.name, value: text });
    }
    return out;
  }

  private async required(ctx: WriteContext, id: unknown, object: string, field: string): Promise<SfRow> {
    const row = typeof id === 'string' ? await this.store.get(ctx.db, id) : null;
    if (!row || row.object !== object) throw RecErr.crossRef(field);
    return row;
  }

  /** Object rules beyond describe: derived fields, cross-record checks. `data` is the record as it will be stored. */
  private async rules(ctx: WriteContext, def: SfObjectDef, data: Body, before: Body | null, changes: Body, id: string): Promise<void> {
    const insert = before === null;
    const auto = AUTO_NUMBERS[def.name];
    if (insert && auto) data[auto.field] = String(await this.store.nextCounter(ctx.db, def.name)).padStart(auto.width, '0');
    if (['Contact', 'Lead', 'User'].includes(def.name)) data.Name = [data.FirstName, data.LastName].filter((x) => x).join(' ');
    if (data.RecordTypeId === MASTER_RECORD_TYPE_ID) data.RecordTypeId = null;
    switch (def.name) {
      case 'Opportunity':
        return this.opportunity(data, changes, insert);
      case 'PricebookEntry':
        return this.pricebookEntry(ctx, data, insert, id);
      case 'Quote':
        if (insert) data.AccountId = (await this.required(ctx, data.OpportunityId, 'Opportunity', 'OpportunityId')).data.AccountId ?? null;
        if (data.Pricebook2Id) await this.required(ctx, data.Pricebook2Id, 'Pricebook2', 'Pricebook2Id');
        return;
      case 'QuoteLineItem':
        return this.lineItem(ctx, data, insert, 'QuoteId', 'Quote');
      case 'OrderItem':
        return this.lineItem(ctx, data, insert, 'OrderId', 'Order');
      case 'Order':
        return this.order(ctx, data, before, id);
      case 'Contract':
        data.EndDate = data.StartDate && typeof data.ContractTerm === 'number' ? addMonths(String(data.StartDate), data.ContractTerm) : null;
        return;
      case 'Task':
        data.IsClosed = data.Status === 'Completed';
        if (data.WhoId && String(data.WhoId).startsWith('00Q') && data.WhatId) {
          throw RecErr.integrity('Related To ID: a task whose Name is a Lead cannot be related to another record (WhatId must be empty)', ['WhatId']);
        }
        return;
      case 'Event':
        return this.event(data);
      case 'Case':
        data.IsClosed = data.Status === 'Closed';
        return;
      case 'EmailMessage':
        if (!insert && before?.Status !== '5') {
          throw new SfRecordError('INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on object id: an EmailMessage can be edited only while Status is '5' (Draft); this one is '${String(before?.Status)}'`, []);
        }
        return;
      case 'ContentVersion':
        if (insert) await this.contentVersion(ctx, data);
        return;
      case 'ContentDocumentLink':
        if (insert) {
          await this.required(ctx, data.ContentDocumentId, 'ContentDocument', 'ContentDocumentId');
          const dup = await this.store.findWhere(ctx.db, 'ContentDocumentLink', { ContentDocumentId: String(data.ContentDocumentId), LinkedEntityId: String(data.LinkedEntityId) });
          if (dup.length) throw new SfRecordError('DUPLICATE_VALUE', `Document with ID: ${String(data.ContentDocumentId)} is already linked with the entity with ID: ${String(data.LinkedEntityId)}`, []);
        }
        return;
      case 'RecordType':
        return this.recordType(ctx, data, id);
      case 'FieldPermissions':
        return this.fieldPermissions(data);
      case 'Pricebook2':
        if (insert) data.IsStandard = false;
        return;
      default:
        return;
    }
  }

  private opportunity(data: Body, changes: Body, insert: boolean): void {
    const stage = this.meta.stage(String(data.StageName));
    if (!stage) throw RecErr.restricted('Stage', 'StageName', data.StageName);
    if (data.RecordTypeId) {
      const rt = this.meta.recordType(String(data.RecordTypeId));
      const process = rt?.businessProcessId ? this.meta.process(rt.businessProcessId) : undefined;
      if (process && !process.values.some((v) => v.fullName.toLowerCase() === stage.name.toLowerCase())) {
        throw RecErr.integrity(`Stage: '${stage.name}' is not a stage of sales process '${process.name}' (record type ${rt!.developerName})`, ['StageName']);
      }
    }
    if (insert || 'StageName' in changes) {
      if (!('Probability' in changes) || changes.Probability === null) data.Probability = stage.probability;
      if (!('ForecastCategoryName' in changes)) data.ForecastCategoryName = stage.forecast;
    }
    data.IsClosed = stage.closed;
    data.IsWon = stage.won;
    data.ExpectedRevenue = typeof data.Amount === 'number' && typeof data.Probability === 'number' ? (data.Amount * data.Probability) / 100 : null;
  }

  private async pricebookEntry(ctx: WriteContext, data: Body, insert: boolean, id: string): Promise<void> {
    const book = await this.required(ctx, data.Pricebook2Id, 'Pricebook2', 'Pricebook2Id');
    const product = await this.required(ctx, data.Product2Id, 'Product2', 'Product2Id');
    data.Name = product.data.Name ?? null;
    data.ProductCode = product.data.ProductCode ?? null;
    if (!insert) return;
    const same = await this.store.findWhere(ctx.db, 'PricebookEntry', { Pricebook2Id: book.id, Product2Id: product.id });
    if (same.some((r) => r.id !== id)) throw new SfRecordError('DUPLICATE_VALUE', 'This price definition already exists in this price book', []);
    if (book.data.IsStandard === true) {
      if (data.UseStandardPrice === true) throw RecErr.integrity('UseStandardPrice cannot be true for an entry of the standard price book', ['UseStandardPrice']);
      return;
    }
    const std = (await this.store.findWhere(ctx.db, 'Pricebook2', { IsStandard: true }))[0];
    const entries = std ? await this.store.findWhere(ctx.db, 'PricebookEntry', { Pricebook2Id: std.id, Product2Id: product.id }) : [];
    if (entries.length === 0) {
      throw new SfRecordError('STANDARD_PRICE_NOT_DEFINED', `No standard price defined for this product: create its Standard Price Book entry first (Product2Id ${product.id})`, []);
    }
    if (data.UseStandardPrice === true) data.UnitPrice = entries[0].data.UnitPrice;
  }

  private async lineItem(ctx: WriteContext, data: Body, insert: boolean, parentField: 'QuoteId' | 'OrderId', parentObject: 'Quote' | 'Order'): Promise<void> {
    const parent = await this.required(ctx, data[parentField], parentObject, parentField);
    const entry = await this.required(ctx, data.PricebookEntryId, 'PricebookEntry', 'PricebookEntryId');
    if (insert) {
      if (!parent.data.Pricebook2Id || parent.data.Pricebook2Id !== entry.data.Pricebook2Id) {
        throw RecErr.integrity(
          `Price Book Entry ID: field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the ${parentObject}, or the ${parentObject} has no pricebook assigned)`,
          ['PricebookEntryId'],
        );
      }
      if (parentObject === 'Order' && parent.data.Status !== 'Draft') {
        throw RecErr.integrity(`You can't add products to an activated order (${parent.id}); set it back to Draft first`, ['OrderId']);
      }
      if (data.Product2Id && data.Product2Id !== entry.data.Product2Id) throw RecErr.integrity('Product2Id does not match the price book entry\'s product', ['Product2Id']);
      data.Product2Id = entry.data.Product2Id;
      data.ListPrice = entry.data.UnitPrice;
    }
    const qty = Number(data.Quantity);
    const price = Number(data.UnitPrice);
    const discount = typeof data.Discount === 'number' ? data.Discount : 0;
    if (parentObject === 'Quote') data.Subtotal = qty * price;
    data.TotalPrice = Math.round(qty * price * (1 - discount / 100) * 100) / 100;
  }

  private async order(ctx: WriteContext, data: Body, before: Body | null, id: string): Promise<void> {
    const insert = before === null;
    const missing = ['AccountId', 'Pricebook2Id'].filter((f) => !data[f]);
    if (missing.length) throw RecErr.required(missing);
    if (insert && data.Status !== 'Draft') {
      throw RecErr.integrity(`Status: an order is created as Draft and activated afterwards (got '${String(data.Status)}')`, ['Status']);
    }
    await this.required(ctx, data.Pricebook2Id, 'Pricebook2', 'Pricebook2Id');
    if (data.ContractId) {
      const contract = await this.required(ctx, data.ContractId, 'Contract', 'ContractId');
      if (contract.data.AccountId !== data.AccountId) throw RecErr.integrity('Contract ID: the contract belongs to another account than the order', ['ContractId']);
      const start = contract.data.StartDate as string | null;
      const end = contract.data.EndDate as string | null;
      const eff = String(data.EffectiveDate);
      if (start && eff < start) {
        throw RecErr.integrity(`Order Start Date ${eff} can't be earlier than the contract's start date ${start}`, ['EffectiveDate']);
      }
      if (end && eff > end) throw RecErr.integrity(`Order Start Date ${eff} can't be later than the contract's end date ${end}`, ['EffectiveDate']);
    }
    if (!insert && data.Status === 'Activated' && before?.Status !== 'Activated') {
      const items = await this.store.findWhere(ctx.db, 'OrderItem', { OrderId: id });
      if (items.length === 0) throw RecErr.integrity(`Can't activate order ${id}: it has no products`, ['Status']);
    }
    if (!insert) {
      const items = await this.store.findWhere(ctx.db, 'OrderItem', { OrderId: id });
      data.TotalAmount = items.reduce((s, i) => s + Number(i.data.TotalPrice ?? 0), 0);
    } else data.TotalAmount = 0;
  }

  private event(data: Body): void {
    if (data.IsAllDayEvent === true) {
      if (!data.ActivityDate && !data.StartDateTime && !data.ActivityDateTime) throw RecErr.required(['ActivityDate']);
      return;
    }
    const start = (data.StartDateTime ?? data.ActivityDateTime) as string | null;
    if (!start) throw RecErr.required(['StartDateTime']);
    data.StartDateTime = start;
    data.ActivityDateTime = start;
    data.ActivityDate = start.slice(0, 10);
    const startMs = Date.parse(start.replace('+0000', 'Z'));
    if (data.EndDateTime) {
      const endMs = Date.parse(String(data.EndDateTime).replace('+0000', 'Z'));
      if (endMs < startMs) throw RecErr.integrity('End: the event ends before it starts', ['EndDateTime']);
      data.DurationInMinutes = Math.round((endMs - startMs) / 60000);
    } else if (typeof data.DurationInMinutes === 'number') {
      data.EndDateTime = sfDateTime(new Date(startMs + data.DurationInMinutes * 60000));
    } else throw RecErr.required(['DurationInMinutes']);
  }

  private async contentVersion(ctx: WriteContext, data: Body): Promise<void> {
    const base64 = String(data.VersionData ?? '');
    const bytes = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
    const max = this.org.settings.maxFileBytes;
    if (bytes > max) {
      throw new SfRecordError('STRING_TOO_LONG', `Version Data: data value too large: ${bytes} bytes (max length=${max}); split the file or raise the org's file limit`, ['VersionData']);
    }
    const path = String(data.PathOnClient);
    const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
    data.FileExtension = ext || null;
    data.FileType = FILE_TYPES[ext] ?? 'UNKNOWN';
    data.ContentSize = bytes;
    data.IsLatest = true;
    if (!data.Title) data.Title = path.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
    if (data.ContentDocumentId) {
      if (data.FirstPublishLocationId) throw RecErr.integrity('FirstPublishLocationId applies to a new document only; leave it empty with ContentDocumentId', ['FirstPublishLocationId']);
      const doc = await this.required(ctx, data.ContentDocumentId, 'ContentDocument', 'ContentDocumentId');
      const versions = await this.store.findWhere(ctx.db, 'ContentVersion', { ContentDocumentId: doc.id });
      for (const v of versions) await this.store.update(ctx.db, 'ContentVersion', v.id, { ...v.data, IsLatest: false });
      data.VersionNumber = String(versions.length + 1);
    } else data.VersionNumber = '1';
  }

  private async afterInsert(ctx: WriteContext, def: SfObjectDef, id: string, data: Body): Promise<void> {
    if (def.name !== 'ContentVersion') return;
    const now = sfDateTime(ctx.now);
    const system = systemFields(now, ctx.userId);
    let docId = data.ContentDocumentId as string | null;
    const docFields = { Title: data.Title, FileType: data.FileType, FileExtension: data.FileExtension, ContentSize: data.ContentSize, LatestPublishedVersionId: id };
    if (docId) {
      const doc = (await this.store.get(ctx.db, docId))!;
      await this.store.update(ctx.db, 'ContentDocument', docId, { ...doc.data, ...docFields, LastModifiedDate: now, SystemModstamp: now });
    } else {
      docId = await this.store.newId(ctx.db, '069');
      await this.store.insert(ctx.db, 'ContentDocument', docId, { ...system, OwnerId: data.OwnerId, ParentId: null, Description: data.Description ?? null, ...docFields });
      await this.store.update(ctx.db, 'ContentVersion', id, { ...data, ContentDocumentId: docId });
      if (data.FirstPublishLocationId) {
        const linkId = await this.store.newId(ctx.db, '06A');
        await this.store.insert(ctx.db, 'ContentDocumentLink', linkId, {
          ...system,
          ContentDocumentId: docId,
          LinkedEntityId: data.FirstPublishLocationId,
          ShareType: 'V',
          Visibility: 'AllUsers',
        });
      }
    }
    if (data.FileType === 'SNOTE') {
      const text = Buffer.from(String(data.VersionData), 'base64').toString('utf8');
      const preview = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255);
      const note = { ...system, OwnerId: data.OwnerId, Title: data.Title, Content: data.VersionData, TextPreview: preview, FileType: 'SNOTE', LatestPublishedVersionId: id };
      const prior = await this.store.getAs(ctx.db, 'ContentNote', docId);
      if (prior) await this.store.update(ctx.db, 'ContentNote', docId, { ...prior.data, ...note, CreatedDate: prior.data.CreatedDate });
      else await this.store.insert(ctx.db, 'ContentNote', docId, note);
    }
  }

  private async recordType(ctx: WriteContext, data: Body, id: string): Promise<void> {
    const same = (await this.store.findWhere(ctx.db, 'RecordType', { SobjectType: String(data.SobjectType) })).filter(
      (r) => r.id !== id && String(r.data.DeveloperName).toLowerCase() === String(data.DeveloperName).toLowerCase(),
    );
    if (same.length) throw new SfRecordError('DUPLICATE_DEVELOPER_NAME', `Record type ${String(data.SobjectType)}.${String(data.DeveloperName)} already exists (${same[0].id})`, ['DeveloperName']);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(String(data.DeveloperName)) || /__|_$/.test(String(data.DeveloperName))) {
      throw RecErr.integrity(`Record Type Name: '${String(data.DeveloperName)}' must begin with a letter and use only letters, digits and single underscores`, ['DeveloperName']);
    }
    if (data.SobjectType === 'Opportunity' && !data.BusinessProcessId) throw RecErr.required(['BusinessProcessId']);
    if (data.BusinessProcessId) {
      const process = this.meta.process(String(data.BusinessProcessId));
      if (!process || process.object.toLowerCase() !== String(data.SobjectType).toLowerCase()) throw RecErr.crossRef('BusinessProcessId');
    }
  }

  private fieldPermissions(data: Body): void {
    const field = String(data.Field);
    const [objectName, fieldName] = field.split('.');
    const def = objectName ? this.meta.object(objectName) : undefined;
    const target = def && fieldName ? def.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase()) : undefined;
    if (!def || !target) throw RecErr.integrity(`Field: ${field} is not a field of this org (write it as Object.Field__c)`, ['Field']);
    if (String(data.SobjectType).toLowerCase() !== def.name.toLowerCase()) throw RecErr.integrity(`SobjectType ${String(data.SobjectType)} does not match Field ${field}`, ['SobjectType']);
    if (data.PermissionsEdit === true && data.PermissionsRead !== true) throw RecErr.integrity('Permission Edit depends on permission(s): Read', ['PermissionsRead']);
    data.Field = `${def.name}.${target.name}`;
    data.SobjectType = def.name;
  }
}
