/** The subset of Amazon States Language (JSONPath flavour) that the compiler emits. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, JsonObject>;
  TimeoutSeconds?: number;
}
