import {
  BatchFormatError,
  boundaryOf,
  buildBatchRequest,
  buildBatchResponse,
  isChangeSet,
  parseBatchRequest,
  parseBatchResponse,
  ParsedBatchRequest,
} from './batch.codec';

describe('batch codec', () => {
  it('reads the boundary, quoted or not', () => {
    expect(boundaryOf('multipart/mixed; boundary=batch_1')).toBe('batch_1');
    expect(boundaryOf('multipart/mixed;boundary="batch 2";charset=utf-8')).toBe('batch 2');
    expect(boundaryOf('application/json')).toBeUndefined();
  });

  it('round-trips requests and change sets with CRLF', () => {
    const { contentType, body } = buildBatchRequest([
      { method: 'get', url: 'accounts?$top=1' },
      {
        changeSet: [
          { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'A' } },
          { method: 'PATCH', url: '$1', headers: { 'If-Match': '*' }, body: '{"name":"B"}' },
        ],
      },
    ]);
    expect(body).toContain('\r\n');
    const parsed = parseBatchRequest(contentType, body);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toEqual({ method: 'GET', url: 'accounts?$top=1', headers: {}, body: '' });
    expect(isChangeSet(parsed[1])).toBe(true);
    const cs = (parsed[1] as { changeSet: ParsedBatchRequest[] }).changeSet;
    expect(cs.map((r) => [r.method, r.url, r.contentId])).toEqual([
      ['POST', '/api/data/v9.2/accounts', '1'],
      ['PATCH', '$1', '2'],
    ]);
    expect(JSON.parse(cs[0].body)).toEqual({ name: 'A' });
    expect(cs[0].headers['content-type']).toBe('application/json');
    expect(cs[1].headers['if-match']).toBe('*');
  });

  it('parses LF-only bodies the way dynamics-web-api writes them, with absolute URLs and inner Content-ID', () => {
    const body = [
      '--dwa_batch_1',
      'Content-Type: multipart/mixed;boundary=changeset_9',
      '',
      '--changeset_9',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 7',
      '',
      'POST http://127.0.0.1:8181/api/data/v9.2/contacts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"lastname":"Lee"}',
      '--changeset_9--',
      '',
      '--dwa_batch_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET http://127.0.0.1:8181/api/data/v9.2/contacts?$select=lastname HTTP/1.1',
      'Accept: application/json',
      '',
      '',
      '--dwa_batch_1--',
      '',
    ].join('\n');
    const parsed = parseBatchRequest('multipart/mixed;boundary=dwa_batch_1', body);
    expect(parsed).toHaveLength(2);
    const cs = (parsed[0] as { changeSet: ParsedBatchRequest[] }).changeSet;
    expect(cs[0]).toMatchObject({ method: 'POST', contentId: '7', body: '{"lastname":"Lee"}' });
    expect(parsed[1]).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:8181/api/data/v9.2/contacts?$select=lastname', body: '' });
  });

  it('honours an explicit LF line ending when building', () => {
    const { body } = buildBatchRequest([{ method: 'DELETE', url: 'accounts(1)' }], { lineEnding: '\n', boundary: 'b' });
    expect(body).not.toContain('\r');
    expect(body.startsWith('--b\nContent-Type: application/http\n')).toBe(true);
    expect(body.endsWith('--b--\n')).toBe(true);
  });

  it('round-trips responses, flattening change sets with their index', () => {
    const { contentType, body } = buildBatchResponse([
      { status: 204, headers: { 'OData-EntityId': 'http://x/accounts(1)' } },
      {
        changeSet: [
          { status: 201, headers: { 'Content-Type': 'application/json' }, body: '{"accountid":"a"}', contentId: '1' },
          { status: 204, headers: {}, contentId: '2' },
        ],
      },
      { status: 400, headers: {}, body: '{"error":{"code":"0x0","message":"bad"}}' },
    ]);
    expect(contentType).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    expect(body).toMatch(/--changesetresponse_[0-9a-f-]+\r\n/);
    expect(body).toContain('HTTP/1.1 204 No Content\r\n');
    const parts = parseBatchResponse(contentType, body);
    expect(parts.map((p) => [p.status, p.changeSet, p.contentId])).toEqual([
      [204, undefined, undefined],
      [201, 0, '1'],
      [204, 0, '2'],
      [400, undefined, undefined],
    ]);
    expect(parts[0].headers['odata-entityid']).toBe('http://x/accounts(1)');
    expect(parts[0].body).toBeUndefined();
    expect(JSON.parse(parts[1].body as string)).toEqual({ accountid: 'a' });
    expect(parts[3].statusText).toBe('Bad Request');
  });

  it('rejects bodies without a closing delimiter or a multipart content type', () => {
    expect(() => parseBatchRequest('multipart/mixed;boundary=b', '--b\r\nContent-Type: application/http\r\n\r\nGET x HTTP/1.1\r\n')).toThrow(
      BatchFormatError,
    );
    expect(() => parseBatchRequest('application/json', '{}')).toThrow(BatchFormatError);
  });

  it('rejects nested change sets and parts that are not application/http', () => {
    const nested = ['--b', 'Content-Type: multipart/mixed; boundary=c', '', '--c', 'Content-Type: multipart/mixed; boundary=d', '', '--d--', '--c--', '--b--'].join('\r\n');
    expect(() => parseBatchRequest('multipart/mixed; boundary=b', nested)).toThrow(/nested/);
    const text = ['--b', 'Content-Type: text/plain', '', 'hello', '--b--'].join('\r\n');
    expect(() => parseBatchRequest('multipart/mixed; boundary=b', text)).toThrow(/application\/http/);
  });

  it('keeps URLs with spaces and parses 1000 parts quickly', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      method: 'PATCH',
      url: `accounts(crm_sourceid='k ${i}')`,
      headers: { Prefer: 'return=representation' },
      body: { name: `n${i}` },
    }));
    const { contentType, body } = buildBatchRequest(entries);
    const started = Date.now();
    const parsed = parseBatchRequest(contentType, body) as ParsedBatchRequest[];
    expect(Date.now() - started).toBeLessThan(500);
    expect(parsed).toHaveLength(1000);
    expect(parsed[999].url).toBe("accounts(crm_sourceid='k 999')");
    expect(parsed[999].headers.prefer).toBe('return=representation');
  });
});
