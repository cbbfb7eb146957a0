/**
 * What a worker should do with a failure. Kafka workers never throw HTTP exceptions: they classify.
 * - retry: transient (network, 5xx, lock); try again soon, keep the offset uncommitted meanwhile
 * - wait: the destination asked us to slow down (429); honour its delay
 * - dead-letter: the record itself is wrong; quarantine it with the reason and go on
 * - fatal: configuration or environment is wrong; stop the service with one line
 */
export type Disposition = 'retry' | 'wait' | 'dead-letter' | 'fatal';

export class FerryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly disposition: Disposition,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'FerryError';
  }
}

export const isFerryError = (e: unknown): e is FerryError => e instanceof FerryError;

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * A service's exit status when its settings cannot work (sysexits' EX_CONFIG): starting it again changes nothing, so
 * the supervisor stops the run with the service's line instead of restarting it.
 */
export const CONFIG_EXIT_CODE = 78;
