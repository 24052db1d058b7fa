export { checkDefinition, DefinitionShapeError, parseDefinition } from './parse';
export * from './types';
export { isDistributedMap, type VisitedState, walkStates } from './walk';
