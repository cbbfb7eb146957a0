import type { Lookup, OwnerRef } from '@ferry/contracts';

/** What a converter makes of one source record. */
export interface Converted<D> {
  record: D;
  lookups: Lookup[];
  owner: OwnerRef | null;
}

/** The record cannot go to the destination as it is; the reason tells a person what to fix. */
export class MappingRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MappingRejection';
  }
}

/** One converter per destination entity, registered by the module that owns the route. */
export interface Converter<S = Record<string, unknown>, D = Record<string, unknown>> {
  readonly sourceObject: string;
  readonly entity: string;
  convert(source: S): Converted<D>;
}

export const CONVERTERS = Symbol('CONVERTERS');

export class ConverterRegistry {
  private readonly bySource = new Map<string, Converter>();

  constructor(converters: Converter[]) {
    for (const c of converters) {
      if (this.bySource.has(c.sourceObject)) throw new Error(`two converters for source object ${c.sourceObject}`);
      this.bySource.set(c.sourceObject, c);
    }
  }

  for(sourceObject: string): Converter {
    const c = this.bySource.get(sourceObject);
    if (!c) throw new MappingRejection('NO_CONVERTER', `no converter maps source object "${sourceObject}"`);
    return c;
  }
}
