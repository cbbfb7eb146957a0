/** Header cells as column labels: trimmed, and a blank one named after its position so it is never lost. */
export function headerLabels(cells: readonly unknown[]): string[] {
  const labels: string[] = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    const text = c === null || c === undefined ? '' : String(c).replace(/^\uFEFF/, '').trim();
    labels.push(text || `column_${i + 1}`);
  }
  return labels;
}

/**
 * The first label written twice, compared without case or surrounding spaces (columns are matched to fields
 * that way, so "Email" and "email" would claim the same field): 0-based positions of both, or null.
 */
export function duplicateLabel(labels: readonly string[]): { first: number; second: number } | null {
  const seen = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) {
    const key = labels[i].toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) return { first, second: i };
    seen.set(key, i);
  }
  return null;
}
