import { resolveSalesforceOptions, salesforceOptionsFromEnv, settingsPatchSchema } from './sf-options';
import { DEMO_JWT_PUBLIC_KEY } from './demo-jwt/demo-keys';

describe('Salesforce sandbox options', () => {
  it('reads SANDBOX_SALESFORCE_* variables over the defaults', () => {
    const o = resolveSalesforceOptions(
      salesforceOptionsFromEnv({ SANDBOX_SALESFORCE_DAILY_API_REQUESTS: '500', SANDBOX_SALESFORCE_AUDIT_FIELDS: 'true', SANDBOX_SALESFORCE_STRICT_FLS: '0', SANDBOX_SALESFORCE_QUERY_PAGE_SIZE: '' }),
    );
    expect(o.settings).toMatchObject({ dailyApiRequests: 500, auditFieldsOnCreate: true, strictFieldSecurity: false, queryPageSize: 2000, collectionLimit: 200 });
    expect(o.jwtPublicKey).toBe(DEMO_JWT_PUBLIC_KEY);
    expect(o.clientId).toBe('ferry-demo');
  });

  it('names the bad variable in one line', () => {
    expect(() => salesforceOptionsFromEnv({ SANDBOX_SALESFORCE_QUERY_PAGE_SIZE: '5000' })).toThrow(/^sandbox configuration: SANDBOX_SALESFORCE_QUERY_PAGE_SIZE is invalid/);
    expect(() => salesforceOptionsFromEnv({ SANDBOX_SALESFORCE_AUDIT_FIELDS: 'yes' })).toThrow(/SANDBOX_SALESFORCE_AUDIT_FIELDS/);
    expect(() => salesforceOptionsFromEnv({ SANDBOX_SALESFORCE_JWT_PUBLIC_KEY: '/nonexistent/key.pem' })).toThrow(/SANDBOX_SALESFORCE_JWT_PUBLIC_KEY cannot be read/);
  });

  it('checks settings patches strictly', () => {
    expect(settingsPatchSchema.safeParse({ queryPageSize: 100, auditFieldsOnCreate: true }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ queryPageSize: 0 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ noSuchSetting: 1 }).success).toBe(false);
  });
});
