import { z } from 'zod';
import { COLUMN_TYPES } from '@ferry/contracts';
import { exportSourceSchema } from '@ferry/connectors/export';

/**
 * The route map document: what a person confirms before any record moves. One file per route (YAML or JSON);
 * templates ship in maps/, each migration keeps its own versioned copy in PostgreSQL.
 */

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _ only, starting with a letter');
const expression = z.string().min(1, 'an expression may not be empty');
const step = z.union([z.string(), z.record(z.unknown())]);

export const fieldSchema = z
  .object({
    /** a source path, or several (the chain then receives an array: concat, coalesce) */
    from: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** an expression over the source record, instead of `from` */
    expr: expression.optional(),
    transforms: z.array(step).default([]),
    type: z.enum(COLUMN_TYPES),
    maxLength: z.number().int().positive().optional(),
    /** what a value longer than maxLength does: reject the record (default) or keep the first maxLength characters */
    onOverflow: z.enum(['reject', 'truncate']).default('reject'),
    /** a required column quarantines the record when empty or unparseable; an optional one goes empty and is counted */
    required: z.boolean().default(false),
    /** the proposer's confidence (0–1) and reason; kept for review, not used when moving records */
    confidence: z.number().min(0).max(1).optional(),
    reason: z.string().optional(),
  })
  .strict()
  .refine((f) => (f.from === undefined) !== (f.expr === undefined), { message: 'a field takes exactly one of `from` or `expr`' });

export const lookupTargetSchema = z
  .object({
    /** destination entity, or several when a split may have sent the parent to either (contact or lead) */
    to: z.union([identifier, z.array(identifier).min(1)]),
    /** the parent's destination key, computed from this record's fields */
    key: expression,
  })
  .strict();

export const lookupSchema = z
  .object({
    /** candidates in order: the first whose key is not empty is the parent (polymorphic lookups list several) */
    targets: z.array(lookupTargetSchema).min(1),
    /** a self-reference (account parent): the record is written without it first and patched when the parent lands, so cycles never wait forever */
    deferrable: z.boolean().default(false),
    required: z.boolean().default(false),
  })
  .strict();

export const ownerSchema = z.object({ email: expression }).strict();

/** A related source object whose records decide where this one goes (a deal makes its contact a Contact). */
export const relatedSourceSchema = z
  .object({
    object: identifier,
    /** over the related record: the source key of the record this entry maps (e.g. a deal's contact_id) */
    key: expression,
    /** over the related record: which of them count (e.g. an open deal) */
    filter: expression.optional(),
  })
  .strict();

/**
 * An entry that depends on other objects: it takes a record when some related record exists (`exists`) or when none
 * does (`absent`). The transformer keeps the facts, so the outcome is right whatever order the streams arrive in and
 * stays right under delta: a record whose facts change is mapped again.
 */
export const relatedRuleSchema = z
  .object({
    when: z.enum(['exists', 'absent']),
    of: z.array(relatedSourceSchema).min(1),
    /** once a record has had a related record, it keeps that routing (a qualified lead does not become a lead again) */
    sticky: z.boolean().default(true),
  })
  .strict();

/** What happens at the destination to the record of an entry a source record no longer takes. */
export const retireSchema = z.union([
  z.literal('delete'),
  /** an update of these columns only (e.g. a lead closed as qualified: statecode 1, statuscode 3) */
  z.object({ set: z.record(identifier, z.union([z.string(), z.number(), z.boolean()])) }).strict(),
]);

/** One stage of a record kind's stage list. */
export const stageSchema = z
  .object({
    name: z.string().min(1),
    /** win probability in percent */
    probability: z.number().min(0).max(100),
    closed: z.boolean().default(false),
    won: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !s.won || s.closed, { message: 'a won stage is a closed stage: set closed: true' });

/**
 * Record kinds with their own stage lists (a source pipeline each): the entry writes the kind's name into `typeColumn`
 * and a stage name into `stageColumn`; a destination that models kinds and stage lists creates them before the load.
 */
export const processesSchema = z
  .object({
    typeColumn: identifier,
    stageColumn: identifier,
    types: z
      .array(
        z
          .object({
            /** what `typeColumn` holds for records of this kind */
            name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _ only, starting with a letter'),
            label: z.string().min(1),
            stages: z.array(stageSchema).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/**
 * How an entry's version of a destination record combines with the others: `last-wins` writes every column;
 * `non-empty-wins` leaves columns it has no value for as they are (many:1 merges); `fills-existing` is
 * `non-empty-wins` that never creates the record: it waits until another entry has written it (a board card adding
 * its board to its deal's opportunity), so the order the two arrive in does not matter.
 */
export const MERGE_POLICIES = ['last-wins', 'non-empty-wins', 'fills-existing'] as const;
export type MergePolicy = (typeof MERGE_POLICIES)[number];

export const entrySchema = z
  .object({
    /** unique name of this entry, e.g. `contact-as-lead` */
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only'),
    from: identifier,
    filter: expression.optional(),
    related: relatedRuleSchema.optional(),
    /** when a later fact moves the record to another entry (default: delete what this entry wrote) */
    retire: retireSchema.default('delete'),
    to: identifier,
    /** the destination key: equal keys are one destination record (many:1) */
    key: expression.default('$key'),
    merge: z.enum(MERGE_POLICIES).default('last-wins'),
    fields: z.record(identifier, fieldSchema),
    lookups: z.record(identifier, lookupSchema).default({}),
    owner: ownerSchema.optional(),
    /** the record kinds and stage lists of what this entry writes (pipelines as kinds, their stages) */
    processes: processesSchema.optional(),
    note: z.string().optional(),
  })
  .strict();

export const routeMapSchema = z
  .object({
    route: z.string().regex(/^[a-z0-9]+-[a-z0-9]+$/, 'written <source>-<destination>, e.g. leaf360-dynamics'),
    source: identifier,
    destination: identifier,
    /** the external-key column every destination table Ferry writes carries (a Dataverse alternate key) */
    keyColumn: identifier,
    description: z.string().optional(),
    /** source objects read but deliberately not moved, with why (workflows, reports) */
    notMigrated: z.record(identifier, z.string()).default({}),
    objects: z.array(entrySchema).min(1),
    /**
     * An export source (any CRM's export folder): what discovery inferred about its objects and a person
     * reviewed. It is confirmed with the map, and the extractor reads the folder as it says.
     */
    exportSource: exportSourceSchema.optional(),
  })
  .strict();

export type RouteMapDocument = z.infer<typeof routeMapSchema>;
export type MapEntry = z.infer<typeof entrySchema>;
export type MapField = z.infer<typeof fieldSchema>;
export type MapLookup = z.infer<typeof lookupSchema>;
export type RelatedRule = z.infer<typeof relatedRuleSchema>;
export type Retire = z.infer<typeof retireSchema>;
export type MapProcesses = z.infer<typeof processesSchema>;
