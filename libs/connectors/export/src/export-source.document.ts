import * as fs from 'fs';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { FerryError } from '@ferry/common';

/**
 * What `ferry discover --source export` inferred about an export folder, as a document a person reviews and
 * edits (source.yaml next to discovery.json). Once a map proposed from it is confirmed, it travels inside that
 * map version (`exportSource`), and the extractor reads the folder exactly as it says: nothing about an export
 * source lives in TypeScript.
 */
export const EXPORT_SOURCE_FORMAT = 'ferry-export-source/1';
export const EXPORT_SOURCE_FILE = 'source.yaml';
/** the field holding a key derived from a composite natural key */
export const SYNTHETIC_KEY_FIELD = 'ferry_key';
/** the field holding the owner's email, looked up when the export names owners another way */
export const OWNER_EMAIL_FIELD = 'ferry_owner_email';
/** below this, a guess is marked for review */
export const REVIEW_BELOW = 0.8;

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _, starting with a letter');
const confidence = z.number().min(0).max(1);

/** Every guess carries how sure discovery was, why, and whether a person must look at it. */
const guess = {
  confidence,
  evidence: z.string(),
  review: z.boolean().default(false),
};

export const EXPORT_FIELD_TYPES = ['string', 'long', 'double', 'boolean', 'date', 'timestamp', 'money', 'percent'] as const;
export type ExportFieldType = (typeof EXPORT_FIELD_TYPES)[number];

export const exportFieldSchema = z
  .object({
    /** the header label (CSV, XLSX) or property name (JSON) as written */
    column: z.string().min(1),
    field: identifier,
    /** how the values are typed in the record (Avro); `string` keeps them as written */
    type: z.enum(EXPORT_FIELD_TYPES),
    /** what discovery's profiler saw (email, phone, picklist, id…), for the reviewer and the proposer */
    seen: z.string(),
    /** not a field every CRM has: proposed as a custom column */
    custom: z.boolean().default(false),
    ...guess,
  })
  .strict();

export const exportKeySchema = z
  .object({
    /** one column: its values are the key; several: a composite natural key, hashed into `ferry_key` */
    columns: z.array(z.string().min(1)).min(1),
    ...guess,
  })
  .strict();

export const exportReferenceSchema = z
  .object({
    column: z.string().min(1),
    /** the object referenced */
    object: identifier,
    /** `key`: the values are the other object's keys; `name`: its display names (in `targetColumn`) */
    by: z.enum(['key', 'name']),
    targetColumn: z.string().min(1).optional(),
    ...guess,
  })
  .strict()
  .refine((r) => r.by === 'key' || r.targetColumn !== undefined, { message: 'a reference by name needs targetColumn: the column of the object holding the names' });

export const exportOwnerSchema = z
  .object({
    column: z.string().min(1),
    /** `email`: the values are emails; `name` or `key`: looked up in `users` to find the email */
    by: z.enum(['email', 'name', 'key']),
    users: z.object({ object: identifier, match: z.string().min(1), email: z.string().min(1) }).strict().optional(),
    ...guess,
  })
  .strict()
  .refine((o) => o.by === 'email' || o.users !== undefined, { message: 'an owner given by name or key needs users: the object, its column to match and its email column' });

export const exportObjectSchema = z
  .object({
    name: identifier,
    /** relative to the export folder */
    file: z.string().min(1),
    format: z.enum(['csv', 'xlsx', 'json', 'ndjson']),
    sheet: z.string().optional(),
    arrayPath: z.string().optional(),
    /** rows read when it was discovered */
    rows: z.number().int().min(0),
    key: exportKeySchema,
    fields: z.array(exportFieldSchema).min(1),
    references: z.array(exportReferenceSchema).default([]),
    owner: exportOwnerSchema.nullable().default(null),
    /** the object's users: owners elsewhere are matched against it */
    users: z.boolean().default(false),
  })
  .strict();

export const exportSourceSchema = z
  .object({
    format: z.literal(EXPORT_SOURCE_FORMAT),
    /** what the export came from, in the reviewer's words (the folder name until someone says) */
    displayName: z.string().min(1),
    objects: z.array(exportObjectSchema).min(1),
    /** files of the folder that hold no object, and why (a person may fix and discover again) */
    skipped: z.array(z.object({ file: z.string(), reason: z.string() }).strict()).default([]),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const names = new Set<string>();
    doc.objects.forEach((o, i) => {
      if (names.has(o.name)) ctx.addIssue({ code: 'custom', path: ['objects', i, 'name'], message: `a second object named "${o.name}"` });
      names.add(o.name);
      const columns = new Set(o.fields.map((f) => f.column));
      const fields = new Set<string>();
      o.fields.forEach((f, j) => {
        if (fields.has(f.field) || f.field === SYNTHETIC_KEY_FIELD || f.field === OWNER_EMAIL_FIELD || f.field === 'custom') {
          ctx.addIssue({ code: 'custom', path: ['objects', i, 'fields', j, 'field'], message: `field "${f.field}" is used twice or is reserved` });
        }
        fields.add(f.field);
      });
      o.key.columns.forEach((c, j) => {
        if (!columns.has(c)) ctx.addIssue({ code: 'custom', path: ['objects', i, 'key', 'columns', j], message: `key column "${c}" is not one of ${o.name}'s fields` });
      });
      o.references.forEach((r, j) => {
        if (!columns.has(r.column)) ctx.addIssue({ code: 'custom', path: ['objects', i, 'references', j, 'column'], message: `"${r.column}" is not one of ${o.name}'s fields` });
      });
      if (o.owner && !columns.has(o.owner.column)) ctx.addIssue({ code: 'custom', path: ['objects', i, 'owner', 'column'], message: `"${o.owner.column}" is not one of ${o.name}'s fields` });
    });
    doc.objects.forEach((o, i) => {
      const check = (object: string, column: string | undefined, path: (string | number)[]) => {
        const target = doc.objects.find((t) => t.name === object);
        if (!target) ctx.addIssue({ code: 'custom', path, message: `no object named "${object}"` });
        else if (column !== undefined && !target.fields.some((f) => f.column === column)) ctx.addIssue({ code: 'custom', path, message: `${object} has no column "${column}"` });
      };
      o.references.forEach((r, j) => {
        check(r.object, r.targetColumn, ['objects', i, 'references', j]);
        const target = doc.objects.find((t) => t.name === r.object);
        if (r.by === 'key' && target && target.key.columns.length > 1) {
          ctx.addIssue({ code: 'custom', path: ['objects', i, 'references', j, 'by'], message: `${r.object} has a composite key, so a reference to it goes by name (by: name, targetColumn)` });
        }
      });
      if (o.owner?.users) {
        check(o.owner.users.object, o.owner.users.match, ['objects', i, 'owner', 'users', 'match']);
        check(o.owner.users.object, o.owner.users.email, ['objects', i, 'owner', 'users', 'email']);
      }
    });
  });

export type ExportSourceDocument = z.infer<typeof exportSourceSchema>;
export type ExportObject = z.infer<typeof exportObjectSchema>;
export type ExportField = z.infer<typeof exportFieldSchema>;
export type ExportReference = z.infer<typeof exportReferenceSchema>;
export type ExportOwner = z.infer<typeof exportOwnerSchema>;

/** The key field of an object's records: its single key column's field, or the synthetic key. */
export function keyField(o: ExportObject): string {
  if (o.key.columns.length > 1) return SYNTHETIC_KEY_FIELD;
  return o.fields.find((f) => f.column === o.key.columns[0])!.field;
}

/** The field a reference's lookup reads: the column itself (by key) or the key found for the name. */
export function referenceField(o: ExportObject, r: ExportReference): string {
  const field = o.fields.find((f) => f.column === r.column)!.field;
  return r.by === 'key' ? field : `${field}_key`;
}

export function fieldOf(o: ExportObject, column: string): ExportField {
  return o.fields.find((f) => f.column === column)!;
}

/** Checks a parsed document; a problem is one line naming where it is. */
export function parseExportSource(value: unknown, where: string): ExportSourceDocument {
  const parsed = exportSourceSchema.safeParse(value);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new FerryError('USAGE', `${where}: ${i.path.join('.') || 'the document'}: ${i.message}; fix it (or run \`ferry discover --source export\` again)`, 'fatal');
  }
  return parsed.data;
}

export function readExportSourceFile(file: string): ExportSourceDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new FerryError('USAGE', `no export source description at ${file}: run \`ferry discover --source export --export <dir> --out <dir>\` first`, 'fatal');
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new FerryError('USAGE', `${file} is not YAML (${(e as Error).message.split('\n')[0]})`, 'fatal');
  }
  return parseExportSource(value, file);
}

/** The document as the reviewer reads it, guesses to look at listed first. */
export function exportSourceYaml(doc: ExportSourceDocument): string {
  const todo = reviewList(doc);
  const head = [
    `# What Ferry inferred about the export "${doc.displayName}". Review it, edit what is wrong, then propose a map from it`,
    '# (`ferry map propose --discovery <this folder>`). Each guess has a confidence (0-1), its evidence, and review: true',
    `# when it is below ${REVIEW_BELOW} and a person must decide.`,
    ...(todo.length ? ['# To review:', ...todo.map((t) => `#   - ${t}`)] : ['# Nothing is marked for review.']),
    ...doc.skipped.map((x) => `# Not read: ${x.file}: ${x.reason}`),
  ];
  return `${head.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}

/** One line per guess marked for review. */
export function reviewList(doc: ExportSourceDocument): string[] {
  const out: string[] = [];
  for (const o of doc.objects) {
    if (o.key.review) out.push(`${o.name}: key ${o.key.columns.join(' + ')} (${o.key.evidence})`);
    for (const r of o.references) if (r.review) out.push(`${o.name}.${r.column} → ${r.object} by ${r.by} (${r.evidence})`);
    if (o.owner?.review) out.push(`${o.name}: owner ${o.owner.column} by ${o.owner.by} (${o.owner.evidence})`);
    for (const f of o.fields) if (f.review) out.push(`${o.name}.${f.column}: ${f.type} (${f.evidence})`);
  }
  return out;
}
