/** The demo organisation: its users, loan officers and the fallback owner the demo maps to. */
export * from './demo-org';
