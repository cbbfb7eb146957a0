/** Nest injection tokens for values that are not classes. */
export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');
export const SANDBOX_LOGGER = Symbol('SANDBOX_LOGGER');
