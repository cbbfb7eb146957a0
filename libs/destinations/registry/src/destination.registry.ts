import { FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { Destination } from '@ferry/destinations/core';
import { DataverseClient, DataverseLogger, DynamicsDestination } from '@ferry/destinations/dynamics';
import { QuotaPacer, SalesforceClient, SalesforceDestination, readPrivateKey, type SalesforceCredentials } from '@ferry/destinations/salesforce';

export const DESTINATION_SYSTEMS = ['dynamics', 'salesforce'] as const;

export interface DestinationCallOptions {
  /** short timeouts and one retry: for commands a person waits on that can do without the destination */
  interactive?: boolean;
}

/**
 * The destination a migration's map names, built from its settings (credentials from the environment or the
 * secrets file). The one place that knows which destinations exist.
 */
export function createDestination(system: string, keyColumn: string, env: NodeJS.ProcessEnv = process.env, logger?: DataverseLogger, o: DestinationCallOptions = {}): Destination {
  // an interactive command (a map proposal) asks once more at most, and not for long: it has a catalog to fall back on
  const brief = o.interactive ? { timeoutMs: 10_000, maxRetries: 1, backoffBaseMs: 200 } : {};
  switch (system) {
    case 'dynamics': {
      const c = loadConfig([settings.dataverse], env);
      const client = new DataverseClient({
        baseUrl: c.DATAVERSE_URL,
        tokenUrl: c.DATAVERSE_TOKEN_URL,
        clientId: c.DATAVERSE_CLIENT_ID,
        clientSecret: c.DATAVERSE_CLIENT_SECRET,
        scope: c.DATAVERSE_SCOPE,
        maxConcurrency: c.DATAVERSE_MAX_CONCURRENCY,
        logger,
        ...brief,
      });
      return new DynamicsDestination(client, {
        keyColumn,
        maxFileBytes: c.DATAVERSE_MAX_UPLOAD_BYTES,
        customTableLimit: c.DATAVERSE_CUSTOM_TABLE_LIMIT ?? null,
        keyActivationTimeoutMs: c.DATAVERSE_KEY_ACTIVATION_TIMEOUT_S * 1000,
        bulk: c.DATAVERSE_BULK === 'true',
        logger,
      });
    }
    case 'salesforce': {
      const c = loadConfig([settings.salesforce], env);
      let credentials: SalesforceCredentials;
      if (c.SALESFORCE_JWT_KEY_FILE) {
        if (!c.SALESFORCE_USERNAME) throw new FerryError('BAD_CONFIG', 'SALESFORCE_USERNAME is required with SALESFORCE_JWT_KEY_FILE (the JWT bearer flow signs in as that user)', 'fatal');
        credentials = { flow: 'jwt', loginUrl: c.SALESFORCE_LOGIN_URL, clientId: c.SALESFORCE_CLIENT_ID, username: c.SALESFORCE_USERNAME, privateKeyPem: readPrivateKey(c.SALESFORCE_JWT_KEY_FILE) };
      } else {
        if (!c.SALESFORCE_CLIENT_SECRET) throw new FerryError('BAD_CONFIG', 'SALESFORCE_CLIENT_SECRET is required (client credentials flow), or give SALESFORCE_JWT_KEY_FILE and SALESFORCE_USERNAME (JWT bearer flow)', 'fatal');
        credentials = { flow: 'client_credentials', loginUrl: c.SALESFORCE_LOGIN_URL, clientId: c.SALESFORCE_CLIENT_ID, clientSecret: c.SALESFORCE_CLIENT_SECRET };
      }
      const client = new SalesforceClient({
        credentials,
        apiVersion: c.SALESFORCE_API_VERSION,
        pacer: new QuotaPacer({ apiShare: c.SALESFORCE_API_SHARE, bulkRecordShare: c.SALESFORCE_BULK_RECORD_SHARE }),
        logger,
        ...brief,
      });
      return new SalesforceDestination(client, { keyColumn, bulkThreshold: c.SALESFORCE_BULK_THRESHOLD, maxFileBytes: c.SALESFORCE_MAX_FILE_BYTES });
    }
    default:
      throw new FerryError('UNKNOWN_DESTINATION', `the map names destination "${system}", which Ferry does not know: choose one of ${DESTINATION_SYSTEMS.join(', ')}`, 'fatal');
  }
}
