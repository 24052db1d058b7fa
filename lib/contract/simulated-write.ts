/**
 * The object key a simulate step writes, apart from the settings' schema: functions/simulate-step
 * imports it, and a value import of ./simulate.ts would bundle zod's full build (~450 KB) with it.
 */
export const simulatedWriteKey = (template: string, values: { readonly key?: unknown; readonly runId: string }): string =>
  template.replaceAll('{runId}', values.runId).replaceAll('{key}', typeof values.key === 'string' ? values.key : 'no-key');
