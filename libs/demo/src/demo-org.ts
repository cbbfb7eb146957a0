/**
 * The built-in demo organisation: the destination users the Dataverse sandbox seeds, and the loan officers
 * the Leaf360 sample assigns records to. Some officers match no user and one user is disabled, on purpose,
 * so owner resolution and its fallback are exercised by every demo run.
 */
export interface DemoUser {
  systemuserid: string;
  fullname: string;
  internalemailaddress: string;
  isdisabled: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { systemuserid: '6f1c2a10-0000-4000-8000-000000000001', fullname: 'Migration Admin', internalemailaddress: 'migration.admin@contoso-lending.example', isdisabled: false },
  { systemuserid: '6f1c2a10-0000-4000-8000-000000000002', fullname: 'Alicia Moreno', internalemailaddress: 'alicia.moreno@contoso-lending.example', isdisabled: false },
  { systemuserid: '6f1c2a10-0000-4000-8000-000000000003', fullname: 'Brian Okafor', internalemailaddress: 'brian.okafor@contoso-lending.example', isdisabled: false },
  { systemuserid: '6f1c2a10-0000-4000-8000-000000000004', fullname: 'Chen Wei', internalemailaddress: 'chen.wei@contoso-lending.example', isdisabled: false },
  { systemuserid: '6f1c2a10-0000-4000-8000-000000000005', fullname: 'Dana Kowalski', internalemailaddress: 'dana.kowalski@contoso-lending.example', isdisabled: false },
  { systemuserid: '6f1c2a10-0000-4000-8000-000000000006', fullname: 'Evan Brooks', internalemailaddress: 'evan.brooks@contoso-lending.example', isdisabled: true },
];

/** Loan officers as the source knows them: the first five are destination users (one disabled), the rest never were. */
export const DEMO_LOAN_OFFICERS: readonly string[] = [
  'alicia.moreno@contoso-lending.example',
  'Brian.Okafor@contoso-lending.example',
  'chen.wei@contoso-lending.example',
  'dana.kowalski@contoso-lending.example',
  'evan.brooks@contoso-lending.example',
  'frank.lee@oldbroker.example',
  'grace.hall@oldbroker.example',
];

export const DEMO_FALLBACK_OWNER_EMAIL = 'migration.admin@contoso-lending.example';
