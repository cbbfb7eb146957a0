import * as fs from 'fs';
import * as path from 'path';
import { FerryError } from '@ferry/common';
import {
  EXPORT_SOURCE_FILE,
  ExportConnector,
  exportSourceYaml,
  inferExportSource,
  readExportSourceFile,
  reviewList,
  type ExportSourceDocument,
} from '@ferry/connectors/export';

export interface ExportDiscovery {
  connector: ExportConnector;
  document: ExportSourceDocument;
  /** where the description came from: inferred now, or the reviewed file given */
  inferred: boolean;
}

/**
 * `ferry discover --source export`: the export folder's objects inferred (or read from a description a person
 * already reviewed, `--description`), so discovery profiles them through the connector built from it.
 */
export async function exportDiscovery(o: { export?: string; api?: string; description?: string }): Promise<ExportDiscovery> {
  if (o.api || !o.export) throw new FerryError('USAGE', 'discover: the export source is a folder: give --export <dir>, not --api', 'fatal');
  const document = o.description ? readExportSourceFile(path.resolve(o.description)) : await inferExportSource(o.export);
  return { connector: new ExportConnector(document), document, inferred: !o.description };
}

/** Writes source.yaml next to discovery.json and says what to review; the lines to print. */
export function writeExportDescription(discoveryFile: string, d: ExportDiscovery): string[] {
  const file = path.join(path.dirname(discoveryFile), EXPORT_SOURCE_FILE);
  fs.writeFileSync(file, exportSourceYaml(d.document));
  const todo = reviewList(d.document);
  return [
    `${d.inferred ? 'inferred' : 'described'} ${d.document.objects.length} objects of the export: ${file}`,
    ...d.document.skipped.map((x) => `not read: ${x.file}: ${x.reason}`),
    todo.length ? `${todo.length} guess${todo.length > 1 ? 'es' : ''} marked for review there (review: true), e.g. ${todo[0]}` : 'nothing marked for review',
    `review and edit it, then \`ferry map propose --migration <id> --discovery ${path.dirname(file)}\` (a reviewed file can be re-profiled with --description ${file})`,
  ];
}
