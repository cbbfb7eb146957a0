import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { WriteItem } from '@ferry/destinations/core';
import { FileBodies } from './file-bodies';

describe('FileBodies', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-files-'));
  fs.mkdirSync(path.join(root, 'files', '000'), { recursive: true });
  fs.writeFileSync(path.join(root, 'files', '000', 'a.pdf'), Buffer.alloc(30, 1));
  fs.writeFileSync(path.join(root, 'files', '000', 'b.pdf'), Buffer.alloc(30, 2));
  fs.writeFileSync(path.join(root, 'files', '000', 'big.pdf'), Buffer.alloc(3000, 3));
  fs.writeFileSync(path.join(os.tmpdir(), 'ferry-outside.txt'), 'secret');

  const item = (key: string, file: string | null): WriteItem => ({
    key, columns: { title: { type: 'string', value: key }, body: { type: 'file', value: file } }, lookups: [], ownerId: null, merge: 'last-wins',
  });

  it('replaces each path by the file base64-encoded, and leaves other columns alone', () => {
    const g = new FileBodies(root, null).read('doc', [item('k1', 'files/000/a.pdf'), item('k2', null)], ['body']);
    expect(g.rejected).toEqual([]);
    expect(g.items[0].columns.body.value).toBe(Buffer.alloc(30, 1).toString('base64'));
    expect(g.items[0].columns.title.value).toBe('k1');
    expect(g.items[1].columns.body.value).toBeNull();
  });

  it('refuses a missing file and a path that leaves the export folder, naming the record, and keeps the others', () => {
    const g = new FileBodies(root, null).read('doc', [item('k1', 'files/000/nope.pdf'), item('k2', '../ferry-outside.txt'), item('k3', 'files/000/b.pdf')], ['body']);
    expect(g.rejected.map((r) => [r.key, !r.ok && r.code])).toEqual([['k1', 'FILE_NOT_FOUND'], ['k2', 'FILE_OUTSIDE_EXPORT']]);
    expect(g.rejected[0].ok === false && g.rejected[0].message).toContain('doc k1: body names the file "files/000/nope.pdf"');
    expect(g.items.map((i) => i.key)).toEqual(['k3']);
  });

  it('sends a body over the limit (on its base64 size) as empty and reports it for the manifest', () => {
    const g = new FileBodies(root, 1000).read('doc', [item('k1', 'files/000/big.pdf'), item('k2', 'files/000/a.pdf')], ['body']);
    expect(g.items.map((i) => [i.key, i.columns.body.value === null])).toEqual([['k1', true], ['k2', false]]);
    expect(g.dropped.get('k1')).toEqual([expect.objectContaining({ column: 'body', fileName: 'big.pdf', bytes: 4000, limitBytes: 1000 })]);
  });

  it('refuses file columns when the source is read through its API (no export folder)', () => {
    const g = new FileBodies(null, null).read('doc', [item('k1', 'files/000/a.pdf')], ['body']);
    expect(g.rejected).toEqual([expect.objectContaining({ key: 'k1', code: 'FILE_UNAVAILABLE' })]);
  });

  it('splits a chunk so the bodies read for one write stay within the byte budget', () => {
    const bodies = new FileBodies(root, null, 3010);
    const groups = bodies.groups([item('a', 'files/000/a.pdf'), item('big', 'files/000/big.pdf'), item('b', 'files/000/b.pdf'), item('none', null)], ['body']);
    expect(groups.map((g) => g.map((i) => i.key))).toEqual([['a'], ['big'], ['b', 'none']]);
    expect(new FileBodies(root, null, 1_000_000).groups([item('a', 'files/000/a.pdf'), item('b', 'files/000/b.pdf')], ['body'])).toHaveLength(1);
  });
});

describe('data: URIs in file columns', () => {
  it('are taken as the content itself, base64 or not, within the same limit', () => {
    const item = (key: string, v: string): WriteItem => ({ key, columns: { body: { type: 'file', value: v } }, lookups: [], ownerId: null, merge: 'last-wins' });
    const g = new FileBodies(null, 20).read('doc', [item('a', 'data:text/html;base64,PHA+aGk8L3A+'), item('b', 'data:,hello%20you'), item('c', `data:;base64,${'A'.repeat(40)}`)], ['body']);
    expect(g.rejected).toEqual([]);
    expect(g.items.map((i) => i.columns.body.value)).toEqual(['PHA+aGk8L3A+', Buffer.from('hello you').toString('base64'), null]);
    expect(g.dropped.get('c')).toEqual([expect.objectContaining({ bytes: 40, limitBytes: 20 })]);
  });
});
