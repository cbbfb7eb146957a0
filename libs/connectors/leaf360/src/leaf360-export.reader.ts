import { stat } from 'fs/promises';
import { basename, dirname } from 'path';
import { fileFingerprint, readExportStream, type RejectCode, type StreamDefinition, type ValueIssue } from '@ferry/connectors/core';
import type { Leaf360CsvStream, Leaf360RecordByStream } from './leaf360.records';

export type Leaf360RejectCode = RejectCode;

export interface Leaf360RecordItem<R> {
  kind: 'record';
  /** 1-based physical line where the row starts */
  line: number;
  record: R;
  /** values the reader emptied (unreadable in an optional column) or repaired; absent when there were none */
  issues?: ValueIssue[];
}

export interface Leaf360RejectItem {
  kind: 'reject';
  line: number;
  code: Leaf360RejectCode;
  /** one sentence naming file, line and what to fix */
  reason: string;
  raw: string | null;
}

export type Leaf360ReadItem<R> = Leaf360RecordItem<R> | Leaf360RejectItem;

export interface ReadLeaf360Options {
  /** rows starting before this line are skipped without being parsed (a restarted extractor's checkpoint); default 1 */
  fromLine?: number;
}

/**
 * Streams one Leaf360 CSV file, whatever it is called, as records and rejects in file order (a value an
 * optional column cannot hold is emptied and listed in the record's issues, as readExport does): the shape the
 * extractor used before connectors. The reading is the connector core's (readExportStream against
 * schemas/leaf360/<stream>.avsc); new code should call Leaf360Connector.readExport, which also yields state.
 */
export function readLeaf360Export<S extends Leaf360CsvStream>(
  file: string,
  stream: S,
  opts: ReadLeaf360Options = {},
): AsyncIterable<Leaf360ReadItem<Leaf360RecordByStream[S]>> {
  return read(file, stream, opts.fromLine ?? 1) as AsyncIterable<Leaf360ReadItem<Leaf360RecordByStream[S]>>;
}

async function* read(file: string, stream: Leaf360CsvStream, fromLine: number): AsyncGenerator<Leaf360ReadItem<unknown>> {
  const def: StreamDefinition = {
    name: stream,
    key: '',
    cursor: null,
    references: [],
    export: { file: basename(file), format: 'csv' },
    description: '',
  };
  let state;
  if (fromLine > 1) {
    const s = await stat(file);
    state = { fingerprint: fileFingerprint(s.size, s.mtimeMs), position: fromLine };
  }
  for await (const msg of readExportStream({ system: 'leaf360', dir: dirname(file), stream: def, options: { state }, values: 'lenient' })) {
    const line = msg.type === 'state' ? 0 : (msg.origin.line ?? 0);
    if (msg.type === 'record') yield msg.issues ? { kind: 'record', line, record: msg.record, issues: msg.issues } : { kind: 'record', line, record: msg.record };
    else if (msg.type === 'reject') yield { kind: 'reject', line, code: msg.code, reason: msg.reason, raw: msg.raw };
  }
}
