/** Mermaid flowchart of a pipeline graph (GitHub renders it in Markdown). */
import type { PipelineGraph } from '../graph/schema';
import { STEP_KIND_SPECS } from '../kinds/specs';

const nodeId = (stepId: string): string => `s_${stepId.replace(/[^A-Za-z0-9_]/g, '_')}`;

export function toMermaid(graph: PipelineGraph): string {
  const lines = ['flowchart LR'];
  for (const [id, step] of Object.entries(graph.steps)) {
    const [open, close] = STEP_KIND_SPECS[step.kind].diagramShape;
    const forEach = 'forEach' in step ? step.forEach : undefined;
    const label = forEach === undefined ? step.kind : `${step.kind}, for each ${forEach.manifest === undefined ? 'item' : 'item in S3'}`;
    lines.push(`  ${nodeId(id)}${open}"${id}<br/><small>${label}</small>"${close}`);
  }
  for (const [id, step] of Object.entries(graph.steps)) {
    const from = 'forEach' in step ? step.forEach?.from : undefined;
    // The list's edge is drawn as a fan-out: the step runs once per item of it.
    for (const dep of step.dependsOn ?? []) lines.push(`  ${nodeId(dep)} ${dep === from ? '==>|each|' : '-->'} ${nodeId(id)}`);
  }
  return `${lines.join('\n')}\n`;
}
