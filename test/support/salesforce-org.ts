import { Connection } from 'jsforce';

export type OrgRow = Record<string, unknown>;

/** jsforce, unmodified, signed in to the Salesforce sandbox with the demo client's credentials. */
export async function connectOrg(sandboxUrl: string): Promise<Connection> {
  const res = await fetch(`${sandboxUrl}/salesforce/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: 'ferry-demo-secret' }),
  });
  const t = (await res.json()) as { access_token: string; instance_url: string };
  return new Connection({ instanceUrl: t.instance_url, accessToken: t.access_token, version: '62.0' });
}

/** Every row a SOQL query answers, following nextRecordsUrl. */
export async function queryAll(conn: Connection, soql: string): Promise<OrgRow[]> {
  const out: OrgRow[] = [];
  let page = await conn.query<OrgRow>(soql);
  out.push(...page.records);
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore<OrgRow>(page.nextRecordsUrl);
    out.push(...page.records);
  }
  return out;
}
