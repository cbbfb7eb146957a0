import { startSandbox } from '../../apps/sandbox/src/sandbox.app';
import { resolveSandboxOptions } from '../../apps/sandbox/src/sandbox.options';
import { testDatabaseUrl } from '../support/it-env';

describe('sandbox admin endpoints', () => {
  it('refuse to bind beyond loopback without an admin token', () => {
    expect(() => resolveSandboxOptions({ host: '0.0.0.0' })).toThrow(/set SANDBOX_ADMIN_TOKEN/);
    expect(resolveSandboxOptions({ host: '0.0.0.0', adminToken: 'a-long-enough-admin-token' }).host).toBe('0.0.0.0');
  });

  it('require the admin token when one is set', async () => {
    const sb = await startSandbox({ port: 0, databaseUrl: testDatabaseUrl(), schema: 'sandbox_admin_it', adminToken: 'a-long-enough-admin-token', logLevel: 'warn' });
    try {
      expect((await fetch(`${sb.url}/_sandbox/stats`)).status).toBe(401);
      expect((await fetch(`${sb.url}/_sandbox/reset`, { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${sb.url}/_sandbox/stats`, { headers: { authorization: 'Bearer a-long-enough-admin-token' } });
      expect(ok.status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});
