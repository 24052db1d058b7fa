/**
 * The terms the Workflow Run RO-Crate profiles 0.5 (Process, Workflow and Provenance Run Crate,
 * https://w3id.org/ro/wfrun/provenance/0.5) and RO-Crate 1.1 require or recommend, checked here
 * because no JavaScript validator exists. Returns every problem found, empty when none.
 */
type Entity = Record<string, unknown> & { '@id': string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((item) => (isRecord(item) && typeof item['@id'] === 'string' ? [item['@id']] : []));
const typesOf = (entity: Entity | undefined): string[] => {
  const type = entity?.['@type'];
  return Array.isArray(type) ? type.map(String) : type === undefined ? [] : [String(type)];
};
const isExternal = (id: string): boolean => /^(https?|s3):\/\//.test(id);

export function runCrateProblems(crate: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(crate) || !Array.isArray(crate['@graph'])) return ['not a JSON-LD document with an @graph'];
  const context = crate['@context'];
  if (!(Array.isArray(context) ? context : [context]).includes('https://w3id.org/ro/crate/1.1/context')) problems.push('@context: not RO-Crate 1.1');
  const graph = crate['@graph'].filter((entity): entity is Entity => isRecord(entity) && typeof entity['@id'] === 'string');
  const byId = new Map(graph.map((entity) => [entity['@id'], entity]));
  const must = (entity: Entity | undefined, property: string, what: string) => {
    if (entity?.[property] === undefined) problems.push(`${what} (${entity?.['@id'] ?? '?'}) has no ${property}`);
  };
  // Flat: every reference names an entity of the graph (or an external URI).
  for (const entity of graph)
    for (const [property, value] of Object.entries(entity))
      for (const id of property.startsWith('@') ? [] : idsOf(value)) if (!byId.has(id) && !isExternal(id)) problems.push(`${entity['@id']}.${property} → ${id}: no such entity`);

  const descriptor = byId.get('ro-crate-metadata.json');
  if (!idsOf(descriptor?.['conformsTo']).includes('https://w3id.org/ro/crate/1.1')) problems.push('the metadata descriptor does not conform to RO-Crate 1.1');
  const root = byId.get(idsOf(descriptor?.['about'])[0] ?? './');
  for (const property of ['name', 'description', 'datePublished', 'license', 'mainEntity']) must(root, property, 'the root dataset');
  for (const profile of ['process', 'workflow', 'provenance'])
    if (!idsOf(root?.['conformsTo']).includes(`https://w3id.org/ro/wfrun/${profile}/0.5`)) problems.push(`the root dataset does not conform to ${profile} run crate 0.5`);

  const workflowId = idsOf(root?.['mainEntity'])[0] ?? '';
  const workflow = byId.get(workflowId);
  for (const type of ['File', 'SoftwareSourceCode', 'ComputationalWorkflow', 'HowTo']) if (!typesOf(workflow).includes(type)) problems.push(`the main entity is not a ${type}`);
  const tools = new Set(idsOf(workflow?.['hasPart']));

  const actions = graph.filter((entity) => typesOf(entity).includes('CreateAction'));
  const runs = actions.filter((action) => idsOf(action['instrument']).includes(workflowId));
  if (runs.length === 0) problems.push('no CreateAction has the workflow as its instrument');
  for (const action of actions) {
    must(action, 'instrument', 'a CreateAction');
    for (const property of ['startTime', 'actionStatus', 'object', 'result']) must(action, property, 'a CreateAction');
    const status = idsOf(action['actionStatus'])[0] ?? '';
    if (status.endsWith('FailedActionStatus')) must(action, 'error', 'a failed CreateAction');
    if (!runs.includes(action) && !idsOf(action['instrument']).every((tool) => tools.has(tool))) problems.push(`${action['@id']}: its tool is not in the workflow's hasPart`);
  }
  for (const step of idsOf(workflow?.['step'])) {
    const howTo = byId.get(step);
    if (!typesOf(howTo).includes('HowToStep')) problems.push(`${step}: not a HowToStep`);
    must(howTo, 'workExample', 'a HowToStep');
    must(howTo, 'position', 'a HowToStep');
  }
  for (const control of graph.filter((entity) => typesOf(entity).includes('ControlAction'))) {
    if (!typesOf(byId.get(idsOf(control['instrument'])[0] ?? '')).includes('HowToStep')) problems.push(`${control['@id']}: its instrument is not a HowToStep`);
    if (!typesOf(byId.get(idsOf(control['object'])[0] ?? '')).includes('CreateAction')) problems.push(`${control['@id']}: its object is not a CreateAction`);
  }
  for (const organize of graph.filter((entity) => typesOf(entity).includes('OrganizeAction'))) {
    must(organize, 'instrument', 'the OrganizeAction');
    if (!runs.some((run) => idsOf(organize['result']).includes(run['@id']))) problems.push("the OrganizeAction's result is not the workflow run");
  }
  for (const file of graph.filter((entity) => typesOf(entity).includes('File') && entity['@id'] !== workflowId)) {
    must(file, 'contentSize', 'a File');
    must(file, 'sha256', 'a File');
  }
  return problems;
}
