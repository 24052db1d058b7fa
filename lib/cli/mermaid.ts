/** Mermaid flowchart of a pipeline graph (GitHub renders it in Markdown). */
import type { PipelineGraph } from '../graph/schema';
import { STEP_KIND_SPECS } from '../kinds/specs';

const nodeId = (stepId: string): string => `s_${stepId.replace(/[^A-Za-z0-9_]/g, '_')}`;

export function toMermaid(graph: PipelineGraph): string {
  const lines = ['flowchart LR'];
  for (const [id, step] of Object.entries(graph.steps)) {
    const [open, close] = STEP_KIND_SPECS[step.kind].diagramShape;
    lines.push(`  ${nodeId(id)}${open}"${id}<br/><small>${step.kind}</small>"${close}`);
  }
  for (const [id, step] of Object.entries(graph.steps)) {
    for (const dep of step.dependsOn ?? []) lines.push(`  ${nodeId(dep)} --> ${nodeId(id)}`);
  }
  return `${lines.join('\n')}\n`;
}
