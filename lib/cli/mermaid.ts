/** Mermaid flowchart of a pipeline graph (GitHub renders it in Markdown). */
import type { PipelineGraph } from '../graph/schema';

const nodeId = (stepId: string): string => `s_${stepId.replace(/[^A-Za-z0-9_]/g, '_')}`;
const SHAPES = { lambda: ['(', ')'], container: ['[[', ']]'], simulate: ['([', '])'] } as const;

export function toMermaid(graph: PipelineGraph): string {
  const lines = ['flowchart LR'];
  for (const [id, step] of Object.entries(graph.steps)) {
    const [open, close] = SHAPES[step.kind];
    lines.push(`  ${nodeId(id)}${open}"${id}<br/><small>${step.kind}</small>"${close}`);
  }
  for (const [id, step] of Object.entries(graph.steps)) {
    for (const dep of step.dependsOn ?? []) lines.push(`  ${nodeId(dep)} --> ${nodeId(id)}`);
  }
  return `${lines.join('\n')}\n`;
}
