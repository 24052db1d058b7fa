export { checkDefinition, DefinitionShapeError, parseDefinition } from './parse';
export * from './types';
export { type VisitedState, walkStates } from './walk';
