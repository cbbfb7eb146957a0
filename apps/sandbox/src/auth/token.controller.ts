import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { Request, Response } from 'express';
import { TokenService } from './token.service';

/** Answers an Entra ID style error: error, error_description with an AADSTS code, trace ids. */
function aadError(res: Response, status: number, error: string, code: number, description: string): void {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  res
    .status(status)
    .type('application/json')
    .set('Cache-Control', 'no-store, no-cache')
    .send(
      JSON.stringify({
        error,
        error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: trace,
        correlation_id: correlation,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      }),
    );
}

/** The client-credentials token endpoint, at the path Entra ID uses. */
@Controller('login')
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post(':tenant/oauth2/v2.0/token')
  @HttpCode(200)
  token(@Param('tenant') tenant: string, @Req() req: Request, @Res() res: Response): void {
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const grant = form.get('grant_type');
    const clientId = form.get('client_id');
    const secret = form.get('client_secret');
    const scope = form.get('scope');
    if (!grant) return aadError(res, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (grant !== 'client_credentials') {
      return aadError(res, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
    }
    if (!clientId) return aadError(res, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    if (!scope) return aadError(res, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
    if (!scope.endsWith('/.default')) {
      return aadError(
        res,
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const check = this.tokens.checkClient(clientId, secret ?? '');
    if (check === 'unknown-client') {
      return aadError(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      );
    }
    if (check === 'bad-secret') {
      return aadError(
        res,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
    res.status(200).set('Cache-Control', 'no-store, no-cache').json(this.tokens.issue(tenant, scope));
  }
}
