import { FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { Destination } from '@ferry/destinations/core';
import { DataverseClient, DataverseLogger, DynamicsDestination } from '@ferry/destinations/dynamics';

export const DESTINATION_SYSTEMS = ['dynamics'] as const;

/**
 * The destination a migration's map names, built from its settings (credentials from the environment or the
 * secrets file). The one place that knows which destinations exist.
 */
export function createDestination(system: string, keyColumn: string, env: NodeJS.ProcessEnv = process.env, logger?: DataverseLogger): Destination {
  switch (system) {
    case 'dynamics': {
      const c = loadConfig([settings.dataverse], env);
      const client = new DataverseClient({
        baseUrl: c.DATAVERSE_URL,
        tokenUrl: c.DATAVERSE_TOKEN_URL,
        clientId: c.DATAVERSE_CLIENT_ID,
        clientSecret: c.DATAVERSE_CLIENT_SECRET,
        scope: c.DATAVERSE_SCOPE,
        logger,
      });
      return new DynamicsDestination(client, {
        keyColumn,
        maxFileBytes: c.DATAVERSE_MAX_UPLOAD_BYTES,
        customTableLimit: c.DATAVERSE_CUSTOM_TABLE_LIMIT ?? null,
        keyActivationTimeoutMs: c.DATAVERSE_KEY_ACTIVATION_TIMEOUT_S * 1000,
      });
    }
    default:
      throw new FerryError('UNKNOWN_DESTINATION', `the map names destination "${system}", which Ferry does not know: choose one of ${DESTINATION_SYSTEMS.join(', ')}`, 'fatal');
  }
}
