export * from './issues';
export * from './schema';
export { parseGraphText, type ParsedDocument } from './parse';
export { validateDocument, validateGraphText, validateGraphFile, loadGraphFile, projectRootOf, type ValidationResult, type ValidationOptions } from './validate';
export { resourceNameOf } from './resource-names';
export * from './topology';
export { isImagePath } from './rules/files';
