export * from './route-map.proposer';
export * from './dynamics.catalog';
export * from './proposal.score';
export { OBJECT_SYNONYMS, COLUMN_SYNONYMS } from './propose.synonyms';
export * from './proposal.yaml';
export * from './salesforce.catalog';
export { proposalTarget, DYNAMICS_TARGET, SALESFORCE_TARGET, type ProposalTarget, type Kind as ProposalKind } from './proposal.target';
