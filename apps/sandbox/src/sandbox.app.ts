import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'net';
import type { Logger } from 'pino';
import { createSandboxLogger, PinoNestLogger } from './sandbox.logger';
import { SandboxModule } from './sandbox.module';
import { SandboxOptions, SandboxOptionsInput, resolveSandboxOptions } from './sandbox.options';

export interface CreateSandboxOptions extends SandboxOptionsInput {
  logger?: Logger;
}

/** Builds the sandbox Nest application without listening; the database tables exist once this resolves. */
export async function createSandboxApp(input: CreateSandboxOptions = {}): Promise<NestExpressApplication> {
  const options = resolveSandboxOptions(input);
  const logger = input.logger ?? createSandboxLogger(options.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(SandboxModule.forRoot(options, logger), new ExpressAdapter(), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  express.set('etag', false);
  // Every body is read as text: $batch is multipart, the token endpoint is a form, and JSON errors must be Dataverse's own.
  app.useBodyParser('text', { type: () => true, limit: '256mb' });
  await app.init();
  return app;
}

export interface RunningSandbox {
  app: NestExpressApplication;
  options: SandboxOptions;
  /** http://host:port */
  url: string;
  /** Service root: <url>/api/data/v9.2 */
  apiUrl: string;
  /** Token endpoint for the client-credentials flow. */
  tokenUrl: string;
  /** The Salesforce org's login and instance URL: <url>/salesforce */
  salesforceUrl: string;
  /** Base URL of one source system's API: <url>/sources/<system>/api */
  sourceApiUrl(system: string): string;
  close(): Promise<void>;
}

/** Creates the sandbox and listens (port 0 picks a free port). */
export async function startSandbox(input: CreateSandboxOptions = {}): Promise<RunningSandbox> {
  const options = resolveSandboxOptions(input);
  const app = await createSandboxApp({ ...input, ...options });
  await app.listen(options.port, options.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${options.host}:${address.port}`;
  return {
    app,
    options,
    url,
    apiUrl: `${url}/api/data/v9.2`,
    tokenUrl: `${url}/login/ferry-demo-tenant/oauth2/v2.0/token`,
    salesforceUrl: `${url}/salesforce`,
    sourceApiUrl: (system: string) => `${url}/sources/${system}/api`,
    close: () => app.close(),
  };
}
