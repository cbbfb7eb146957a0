import { Inject, Injectable } from '@nestjs/common';
import type { SourceConnector } from '@ferry/connectors/core';
import { availableSources, sourceConnector } from '@ferry/connectors/registry';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SourceErrors } from './source-http.error';

/** The connectors the sandbox serves: the registry's, plus any given in the options (which win). */
@Injectable()
export class SourceConnectors {
  private readonly given: Map<string, SourceConnector>;
  private readonly cache = new Map<string, SourceConnector>();

  constructor(@Inject(SANDBOX_OPTIONS) options: SandboxOptions) {
    this.given = new Map((options.source.connectors ?? []).map((c) => [c.system as string, c]));
  }

  systems(): string[] {
    return [...new Set([...availableSources(), ...this.given.keys()])].sort();
  }

  /** The connector of a served system, or 404 naming the served ones. */
  get(system: string): SourceConnector {
    const known = this.given.get(system) ?? this.cache.get(system);
    if (known) return known;
    if (!(availableSources() as string[]).includes(system)) {
      const served = this.systems();
      throw SourceErrors.notFound(`no source system "${system}" in this sandbox; served: ${served.length ? served.join(', ') : 'none yet'}`);
    }
    const made = sourceConnector(system);
    this.cache.set(system, made);
    return made;
  }
}
