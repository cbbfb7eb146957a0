import { timingSafeEqual } from 'crypto';
import * as http from 'http';
import type { DashboardData } from './dashboard.data';
import { dashboardPage } from './dashboard.page';
import type { DashboardEndpoint } from './dashboard.settings';

export interface DashboardServer {
  /** the page's URL (without the token) */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the page (`/`), its data (`/api/snapshot`, `/api/dlq?side=&name=&code=`) and nothing else. With a token
 * every request must carry it, as `Authorization: Bearer <token>` or `?token=`; the page passes it on to its calls.
 */
export async function startDashboardServer(data: DashboardData, at: DashboardEndpoint): Promise<DashboardServer> {
  const server = http.createServer((req, res) => {
    handle(data, at, req, res).catch((e: Error) => send(res, 500, { error: e.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/?migration=${encodeURIComponent(data.migration)}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function handle(data: DashboardData, at: DashboardEndpoint, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  if (at.token && !authorized(at.token, req, url)) return send(res, 401, { error: 'this dashboard needs its token: ?token=… or Authorization: Bearer …' });
  if (req.method !== 'GET') return send(res, 405, { error: 'only GET' });
  switch (url.pathname) {
    case '/':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'" });
      res.end(dashboardPage(data.migration));
      return;
    case '/api/snapshot':
      return send(res, 200, await data.snapshot());
    case '/api/dlq': {
      const side = url.searchParams.get('side');
      const name = url.searchParams.get('name');
      const code = url.searchParams.get('code');
      if ((side !== 'source' && side !== 'destination') || !name || !code) return send(res, 400, { error: 'give side=source|destination, name and code' });
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      return send(res, 200, { side, name, code, records: await data.rejected(side, name, code, limit) });
    }
    default:
      return send(res, 404, { error: `no such page: ${url.pathname}` });
  }
}

function authorized(token: string, req: http.IncomingMessage, url: URL): boolean {
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
