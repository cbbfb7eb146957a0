import type { ExportLocation } from './source.connector';

/**
 * Where a row sits, in the words a person looks for it with: "contacts.csv line 12", "export.xlsx sheet
 * "Contacts" row 12", "deals.json item 12". Position 0 means the file (or sheet) as a whole.
 */
export function at(location: ExportLocation, position: number): string {
  const where = location.format === 'xlsx' && location.sheet !== undefined ? `${location.file} sheet "${location.sheet}"` : location.file;
  if (position <= 0) return where;
  const unit = location.format === 'xlsx' ? 'row' : location.format === 'json' ? 'item' : 'line';
  return `${where} ${unit} ${position}`;
}
