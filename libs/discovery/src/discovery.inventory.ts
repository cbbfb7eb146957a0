import { z } from 'zod';
import { FIELD_TYPES, type FieldProfile } from './field.profiler';
import { VALUE_KINDS } from './value-kind.classifier';
import type { DuplicateReport } from './duplicate.finder';
import type { KeyReport, ReferenceReport } from './reference.checker';

/**
 * The shape of discovery.json. The schema is strict, so a field added to the writer but not here (or the
 * other way round) fails the shape test; tools reading an inventory can parse it with the same schema.
 */
export const DISCOVERY_FORMAT = 'ferry.discovery/1';

const count = z.number().int().nonnegative();

export const fieldProfileSchema = z
  .object({
    name: z.string(),
    custom: z.boolean(),
    declared: z.string(),
    type: z.enum(FIELD_TYPES),
    filled: count,
    fillRate: z.number().min(0).max(1),
    distinct: count,
    distinctExact: z.boolean(),
    examples: z.array(z.string()).max(3),
    malformed: count.optional(),
    kinds: z.record(z.enum(VALUE_KINDS), count),
    values: z.array(z.object({ value: z.string(), count }).strict()).optional(),
    dateOrder: z.object({ order: z.enum(['d/m', 'm/d', 'undecided']), decidedBy: count, ambiguous: count, contrary: count }).strict().optional(),
    placeholders: z.array(z.object({ value: z.string(), count, dominant: z.boolean().optional() }).strict()).optional(),
    emptied: z
      .object({
        count,
        byCode: z.record(z.string(), count),
        examples: z.array(z.object({ line: count.nullable(), value: z.string(), problem: z.string() }).strict()),
      })
      .strict()
      .optional(),
    repaired: z
      .object({ count, examples: z.array(z.object({ line: count.nullable(), value: z.string(), repaired: z.string() }).strict()) })
      .strict()
      .optional(),
    typos: z.array(z.object({ value: z.string(), count, suggestion: z.string() }).strict()).optional(),
    notes: z.array(z.string()).optional(),
  })
  .strict();

const sharedValuesSchema = z
  .object({ values: count, records: count, examples: z.array(z.object({ value: z.string(), records: count }).strict()).max(3) })
  .strict();

export const objectInventorySchema = z
  .object({
    name: z.string(),
    description: z.string(),
    key: z.string(),
    cursor: z.string().nullable(),
    /** where it was read from: the export file or the API path; null when it was not read */
    location: z.string().nullable(),
    /** why the object was not read, or why reading stopped early */
    note: z.string().nullable(),
    error: z.string().nullable(),
    records: count,
    /** records the API reported as deleted */
    deleted: count,
    rejected: z
      .object({
        count,
        byCode: z.record(z.string(), count),
        first: z.array(z.object({ code: z.string(), reason: z.string(), file: z.string().nullable(), line: count.nullable() }).strict()),
      })
      .strict(),
    keys: z.object({ missing: count, duplicateKeys: count, duplicateRecords: count }).strict(),
    duplicates: z.object({ fields: z.array(z.string()), email: sharedValuesSchema, phone: sharedValuesSchema, records: count }).strict(),
    fields: z.array(fieldProfileSchema),
    /** rows whose values look shifted by one column (right count, but they fit the neighbouring columns) */
    shifted: z
      .object({ rows: count, examples: z.array(z.object({ line: count.nullable(), direction: z.enum(['left', 'right']), columns: z.array(z.string()) }).strict()) })
      .strict()
      .optional(),
    /** why discovery could not profile the object: a file-level reject (MISSING_COLUMN…), or every row rejected */
    refused: z.string().nullable().optional(),
  })
  .strict();

export const referenceInventorySchema = z
  .object({
    object: z.string(),
    field: z.string(),
    target: z.string(),
    values: count,
    checked: z.boolean(),
    orphans: count.nullable(),
    distinctOrphans: count.nullable(),
    examples: z.array(z.string()).max(3),
    note: z.string().optional(),
  })
  .strict();

export const automationInventorySchema = z
  .object({
    stream: z.string(),
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    active: z.boolean(),
    trigger: z.record(z.string(), z.unknown()),
    conditions: z.array(z.record(z.string(), z.unknown())),
    actions: z.array(z.record(z.string(), z.unknown())),
    rebuildIn: z.object({ dynamics: z.string(), salesforce: z.string() }).strict(),
  })
  .strict();

export const discoveryInventorySchema = z
  .object({
    format: z.literal(DISCOVERY_FORMAT),
    system: z.string(),
    displayName: z.string(),
    source: z.object({ kind: z.enum(['export', 'api']), location: z.string() }).strict(),
    startedAt: z.string().datetime(),
    seconds: z.number().nonnegative(),
    /** what the connector's check found wrong with the export, and automations that could not be read */
    problems: z.array(z.string()),
    /** what the export lacks but can be read without (a users file with no active column) */
    warnings: z.array(z.string()).optional(),
    totals: z.object({ objects: count, records: count, rejected: count, automations: count }).strict(),
    objects: z.array(objectInventorySchema),
    references: z.array(referenceInventorySchema),
    automations: z.array(automationInventorySchema),
    method: z.object({ distinct: z.string(), orphans: z.string(), duplicates: z.string() }).strict(),
  })
  .strict();

export type ObjectInventory = z.infer<typeof objectInventorySchema>;
export type ReferenceInventory = z.infer<typeof referenceInventorySchema>;
export type AutomationInventory = z.infer<typeof automationInventorySchema>;
export type DiscoveryInventory = z.infer<typeof discoveryInventorySchema>;

// compile-time: the writers' types and the schema describe the same JSON
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type InventoryShapesAgree = [
  Assert<Same<FieldProfile, z.infer<typeof fieldProfileSchema>>>,
  Assert<Same<KeyReport, ObjectInventory['keys']>>,
  Assert<Same<DuplicateReport, ObjectInventory['duplicates']>>,
  Assert<Same<ReferenceReport, ReferenceInventory>>,
];
