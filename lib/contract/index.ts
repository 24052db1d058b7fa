/**
 * The run contract: everything the compiled machine, the local runtime, CDK, handlers and containers
 * must agree on. Each fact is written here once and imported by all of them.
 */

export * from '../contract/step-event';
export * from './environment';
export * from './errors';
export * from './placeholders';
export * from './resource-names';
export * from './statuses';
