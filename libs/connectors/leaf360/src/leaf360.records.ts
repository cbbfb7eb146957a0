/**
 * Leaf360 export records, shaped exactly like schemas/leaf360/{company,contact,deal}.avsc, and the one column
 * table the reader parses from. The CSV header names are the Avro field names.
 */

export type Leaf360Object = 'company' | 'contact' | 'deal';

export const LEAF360_OBJECTS: readonly Leaf360Object[] = ['company', 'contact', 'deal'];

export const LEAF360_FILES: Readonly<Record<Leaf360Object, string>> = {
  company: 'companies.csv',
  contact: 'contacts.csv',
  deal: 'deals.csv',
};

export interface Leaf360Company {
  company_id: string;
  name: string;
  domain: string | null;
  phone: string | null;
  industry: string | null;
  property_address: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  parent_company_id: string | null;
  /** epoch millis */
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Contact {
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  company_id: string | null;
  /** email of the loan officer who owns the contact, as the source spelled it */
  loan_officer: string | null;
  loan_status: string | null;
  referral_source: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Deal {
  deal_id: string;
  dealname: string;
  /** canonical decimal text with two places, e.g. "350000.00" */
  loan_amount: string | null;
  /** days since 1970-01-01 */
  closedate: number | null;
  loan_type: string | null;
  preapproval_date: number | null;
  pipeline: string | null;
  dealstage: string | null;
  company_id: string | null;
  contact_id: string | null;
  loan_officer: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360RecordByObject {
  company: Leaf360Company;
  contact: Leaf360Contact;
  deal: Leaf360Deal;
}

/**
 * string: trimmed text; email: trimmed text holding an address, kept as spelled (owner matching compares it
 * case-insensitively, and an unusable address is for owner resolution to report, not a reason to drop the row);
 * timestamp: epoch millis; date: days since epoch; decimal: money as canonical text.
 */
export type Leaf360ColumnKind = 'string' | 'email' | 'timestamp' | 'date' | 'decimal';

export interface Leaf360ColumnSpec {
  /** CSV header name, also the record field */
  readonly name: string;
  /** the header must have it and every row must give it a value */
  readonly required: boolean;
  readonly kind: Leaf360ColumnKind;
}

const req = <N extends string, K extends Leaf360ColumnKind>(name: N, kind: K) => ({ name, required: true as const, kind });
const opt = <N extends string, K extends Leaf360ColumnKind>(name: N, kind: K) => ({ name, required: false as const, kind });

export const LEAF360_COLUMNS = {
  company: [
    req('company_id', 'string'),
    req('name', 'string'),
    opt('domain', 'string'),
    opt('phone', 'string'),
    opt('industry', 'string'),
    opt('property_address', 'string'),
    opt('city', 'string'),
    opt('state', 'string'),
    opt('zip', 'string'),
    opt('parent_company_id', 'string'),
    opt('created_at', 'timestamp'),
    opt('updated_at', 'timestamp'),
  ],
  contact: [
    req('contact_id', 'string'),
    opt('first_name', 'string'),
    opt('last_name', 'string'),
    opt('email', 'email'),
    opt('phone', 'string'),
    opt('job_title', 'string'),
    opt('company_id', 'string'),
    opt('loan_officer', 'email'),
    opt('loan_status', 'string'),
    opt('referral_source', 'string'),
    opt('created_at', 'timestamp'),
    opt('updated_at', 'timestamp'),
  ],
  deal: [
    req('deal_id', 'string'),
    req('dealname', 'string'),
    opt('loan_amount', 'decimal'),
    opt('closedate', 'date'),
    opt('loan_type', 'string'),
    opt('preapproval_date', 'date'),
    opt('pipeline', 'string'),
    opt('dealstage', 'string'),
    opt('company_id', 'string'),
    opt('contact_id', 'string'),
    opt('loan_officer', 'email'),
    opt('created_at', 'timestamp'),
    opt('updated_at', 'timestamp'),
  ],
} as const satisfies Record<Leaf360Object, readonly Leaf360ColumnSpec[]>;

/** The record type the column table implies; checked against the hand-written interfaces below. */
type KindType = { string: string; email: string; timestamp: number; date: number; decimal: string };
type Columns<O extends Leaf360Object> = (typeof LEAF360_COLUMNS)[O][number];
type RecordFromColumns<O extends Leaf360Object> = {
  [C in Columns<O> as C['name']]: C['required'] extends true ? KindType[C['kind']] : KindType[C['kind']] | null;
} & { custom: Record<string, string> };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
// A column added to the table but not the interface (or the other way round) fails to compile here.
export type Leaf360ColumnsMatchRecords = AssertTrue<
  [
    Same<RecordFromColumns<'company'>, Leaf360Company>,
    Same<RecordFromColumns<'contact'>, Leaf360Contact>,
    Same<RecordFromColumns<'deal'>, Leaf360Deal>,
  ] extends [true, true, true]
    ? true
    : false
>;
