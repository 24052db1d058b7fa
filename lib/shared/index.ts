export { defined } from './defined';
export { type ErrorAudience, InvariantError, messageOf, OrchestraError, type OrchestraErrorOptions, UsageError } from './errors';
