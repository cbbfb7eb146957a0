import type { SalesforceClient } from './salesforce.client';
import { SalesforceError } from './salesforce.error';
import type { SchemaCall } from './salesforce-schema';

/**
 * Every schema change Ferry makes in a Salesforce org, in one place: Tooling API calls with Metadata-style bodies
 * (CustomField, StandardValueSet, BusinessProcess) through jsforce's `conn.tooling`, and the RecordType and
 * FieldPermissions rows (ordinary sObjects, `conn.create`) that give the integration user's profile access to a new field. Kept apart so the endpoints can be aligned with the sandbox
 * (or moved to the Metadata API) without touching the planning.
 */
export class SalesforceMetadataCalls {
  private permissionSetId: Promise<string | null> | null = null;

  constructor(private readonly client: SalesforceClient) {}

  private toolingQuery<T>(soql: string): Promise<T[]> {
    return this.client.query<T>(soql, { tooling: true });
  }

  /** POST tooling/sobjects/{type} (jsforce's `conn.tooling.create`) */
  private async toolingCreate(type: string, body: Record<string, unknown>): Promise<void> {
    await this.client.call((c) => c.tooling.create(type, body));
  }

  /** PATCH tooling/sobjects/{type}/{id} (jsforce's `conn.tooling.update`) */
  private async toolingUpdate(type: string, id: string, metadata: Record<string, unknown>): Promise<void> {
    await this.client.call((c) => c.tooling.update(type, { Id: id, Metadata: metadata }));
  }

  /** Sales processes by object API name (lower-case name → id), for planning and for record types. */
  async businessProcesses(): Promise<Map<string, Map<string, string>>> {
    const out = new Map<string, Map<string, string>>();
    let rows: { Id: string; Name: string; TableEnumOrId: string }[];
    try {
      rows = await this.client.query('SELECT Id, Name, TableEnumOrId FROM BusinessProcess');
    } catch (e) {
      // An org (or edition) without sales processes answers INVALID_TYPE: nothing exists yet.
      if (e instanceof SalesforceError && /INVALID_TYPE|NOT_FOUND/.test(e.code)) return out;
      throw e;
    }
    for (const r of rows) {
      const m = out.get(r.TableEnumOrId) ?? new Map<string, string>();
      m.set(r.Name.toLowerCase(), r.Id);
      out.set(r.TableEnumOrId, m);
    }
    return out;
  }

  async apply(call: SchemaCall): Promise<void> {
    switch (call.call) {
      case 'customField':
        await this.toolingCreate('CustomField', { FullName: call.fullName, Metadata: call.metadata });
        await this.grantFieldAccess(call.object, call.fullName);
        return;
      case 'picklistValues':
        return this.addPicklistValues(call);
      case 'businessProcess':
        await this.toolingCreate('BusinessProcess', { FullName: call.fullName, Metadata: call.metadata });
        return;
      case 'recordType': {
        // RecordType is an ordinary sObject: created through REST, on the sales process of the same name.
        const process = String(call.metadata.businessProcess ?? '');
        const processId = process ? (await this.businessProcesses()).get(call.object)?.get(process.toLowerCase()) : undefined;
        if (process && !processId) throw new SalesforceError(404, 'NOT_FOUND', `the sales process ${call.object}.${process} the record type ${call.fullName} needs is not in the org`, { retryable: false });
        const recordType = { Name: call.metadata.label, DeveloperName: call.fullName.split('.')[1], SobjectType: call.object, Description: call.metadata.description ?? null, IsActive: true, ...(processId ? { BusinessProcessId: processId } : {}) };
        await this.client.call((c) => c.create('RecordType', recordType));
        return;
      }
    }
  }

  /**
   * A new field is invisible to every profile until field-level security grants it: read and edit for the profile
   * of the user Ferry signs in as (its profile-owned permission set).
   */
  private async grantFieldAccess(object: string, field: string): Promise<void> {
    const parent = await this.ownPermissionSet();
    if (!parent) return;
    try {
      await this.client.call((c) => c.create('FieldPermissions', { ParentId: parent, SobjectType: object, Field: field, PermissionsRead: true, PermissionsEdit: true }));
    } catch (e) {
      // Granted already (an earlier, interrupted apply): nothing to do.
      if (!(e instanceof SalesforceError && e.code === 'DUPLICATE_VALUE')) throw e;
    }
  }

  private ownPermissionSet(): Promise<string | null> {
    this.permissionSetId ??= (async () => {
      // A permission set named Ferry_Integration (assigned to the integration user) is preferred; else its profile's own.
      const named = await this.client.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Ferry_Integration'");
      if (named[0]?.Id) return named[0].Id;
      const me = (await this.client.connect()).userId;
      if (!me) return null;
      const users = await this.client.query<{ ProfileId: string }>(`SELECT ProfileId FROM User WHERE Id = '${me}'`);
      if (!users[0]?.ProfileId) return null;
      const sets = await this.client.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId = '${users[0].ProfileId}'`);
      return sets[0]?.Id ?? null;
    })();
    return this.permissionSetId;
  }

  /**
   * Values appended to a picklist: a standard one through its global StandardValueSet (stages carry probability,
   * closed, won and a forecast category), a custom one through its CustomField's value set.
   */
  private async addPicklistValues(call: Extract<SchemaCall, { call: 'picklistValues' }>): Promise<void> {
    const values = call.values.map((v) => ({
      fullName: v.fullName, label: v.label, default: false,
      ...(v.probability !== undefined ? { probability: v.probability, closed: Boolean(v.closed), won: Boolean(v.won), forecastCategory: v.won ? 'Closed' : v.closed ? 'Omitted' : 'Pipeline' } : {}),
    }));
    if (call.valueSet) {
      let set: { Id: string; Metadata: { standardValue?: unknown[] } & Record<string, unknown> } | undefined;
      try {
        [set] = await this.toolingQuery(`SELECT Id, Metadata FROM StandardValueSet WHERE MasterLabel = '${call.valueSet}'`);
      } catch (e) {
        if (!(e instanceof SalesforceError) || e.retryable) throw e;
      }
      // Addressed by id when the Tooling query finds it; by name otherwise (the sandbox's form), sending the new values only.
      await this.toolingUpdate('StandardValueSet', set?.Id ?? call.valueSet, set ? { ...set.Metadata, standardValue: [...(set.Metadata.standardValue ?? []), ...values] } : { standardValue: values });
      return;
    }
    const developerName = call.field.replace(/__c$/i, '');
    const [field] = await this.toolingQuery<{ Id: string; Metadata: { valueSet?: { valueSetDefinition?: { value?: unknown[] } } } & Record<string, unknown> }>(`SELECT Id, Metadata FROM CustomField WHERE DeveloperName = '${developerName}' AND TableEnumOrId = '${call.object}'`);
    if (!field) throw new SalesforceError(404, 'NOT_FOUND', `the org has no custom field ${call.object}.${call.field}`, { retryable: false });
    const def = field.Metadata.valueSet?.valueSetDefinition ?? {};
    await this.toolingUpdate('CustomField', field.Id, { ...field.Metadata, valueSet: { ...field.Metadata.valueSet, valueSetDefinition: { ...def, value: [...(def.value ?? []), ...values] } } });
  }
}
