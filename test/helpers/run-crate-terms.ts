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
  const contexts = Array.isArray(context) ? context : [context];
  if (!contexts.includes('https://w3id.org/ro/crate/1.1/context')) problems.push('@context: not RO-Crate 1.1');
  if (!contexts.includes('https://w3id.org/ro/terms/workflow-run/context')) problems.push('@context: without the workflow-run terms (connection, resourceUsage)');
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
  const isParameter = (id: string) => typesOf(byId.get(id)).includes('FormalParameter');
  for (const direction of ['input', 'output']) {
    if (idsOf(workflow?.[direction]).length === 0) problems.push(`the workflow has no ${direction} parameters`);
    for (const tool of [workflowId, ...tools])
      for (const id of idsOf(byId.get(tool)?.[direction])) if (!isParameter(id)) problems.push(`${tool}.${direction} → ${id}: not a FormalParameter`);
  }
  for (const parameter of graph.filter((entity) => typesOf(entity).includes('FormalParameter'))) {
    must(parameter, 'name', 'a FormalParameter');
    must(parameter, 'additionalType', 'a FormalParameter');
    if (!idsOf(parameter['conformsTo']).includes('https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE'))
      problems.push(`${parameter['@id']}: does not conform to Bioschemas FormalParameter 1.0`);
  }
  for (const link of graph.filter((entity) => typesOf(entity).includes('ParameterConnection')))
    for (const end of ['sourceParameter', 'targetParameter']) if (!isParameter(idsOf(link[end])[0] ?? '')) problems.push(`${link['@id']}.${end}: not a FormalParameter`);

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
  // A step's position is after every step whose outputs it takes (the profile's one rule for positions).
  const positionOfTool = new Map<string, number>();
  for (const step of idsOf(workflow?.['step'])) {
    const howTo = byId.get(step);
    if (!typesOf(howTo).includes('HowToStep')) problems.push(`${step}: not a HowToStep`);
    must(howTo, 'workExample', 'a HowToStep');
    must(howTo, 'position', 'a HowToStep');
    positionOfTool.set(idsOf(howTo?.['workExample'])[0] ?? '', Number(howTo?.['position']));
  }
  const toolOfParameter = new Map([...tools].flatMap((tool) => idsOf(byId.get(tool)?.['output']).map((parameter) => [parameter, tool] as const)));
  for (const step of idsOf(workflow?.['step'])) {
    const howTo = byId.get(step);
    const position = Number(howTo?.['position']);
    for (const link of idsOf(howTo?.['connection'])) {
      const from = toolOfParameter.get(idsOf(byId.get(link)?.['sourceParameter'])[0] ?? '');
      if (from !== undefined && !((positionOfTool.get(from) ?? Number.POSITIVE_INFINITY) < position))
        problems.push(`${step}: position ${position} is not after ${from}'s, whose outputs it takes`);
    }
  }
  const controlled = new Set<string>();
  for (const control of graph.filter((entity) => typesOf(entity).includes('ControlAction'))) {
    if (!typesOf(byId.get(idsOf(control['instrument'])[0] ?? '')).includes('HowToStep')) problems.push(`${control['@id']}: its instrument is not a HowToStep`);
    const objects = idsOf(control['object']);
    if (objects.length === 0) problems.push(`${control['@id']}: orchestrates no CreateAction`);
    for (const id of objects) {
      controlled.add(id);
      if (!typesOf(byId.get(id)).includes('CreateAction')) problems.push(`${control['@id']}: its object ${id} is not a CreateAction`);
    }
  }
  for (const action of actions) if (!runs.includes(action) && !controlled.has(action['@id'])) problems.push(`${action['@id']}: a tool run no ControlAction orchestrates`);
  for (const organize of graph.filter((entity) => typesOf(entity).includes('OrganizeAction'))) {
    must(organize, 'instrument', 'the OrganizeAction');
    if (!runs.some((run) => idsOf(organize['result']).includes(run['@id']))) problems.push("the OrganizeAction's result is not the workflow run");
    for (const id of idsOf(organize['object'])) if (!typesOf(byId.get(id)).includes('ControlAction')) problems.push(`the OrganizeAction's object ${id} is not a ControlAction`);
  }
  for (const file of graph.filter((entity) => typesOf(entity).includes('File') && entity['@id'] !== workflowId)) {
    must(file, 'contentSize', 'a File');
    must(file, 'sha256', 'a File');
  }
  // What the run took and made are examples of the workflow's parameters.
  for (const run of runs)
    for (const id of [...idsOf(run['object']), ...idsOf(run['result'])]) {
      const parameters = idsOf(byId.get(id)?.['exampleOfWork']);
      if (parameters.length === 0 || !parameters.every(isParameter)) problems.push(`${id}: an object or result of the run that is an example of no FormalParameter`);
    }
  for (const action of actions)
    for (const id of idsOf(action['resourceUsage'])) {
      const figure = byId.get(id);
      if (!typesOf(figure).includes('PropertyValue')) problems.push(`${action['@id']}.resourceUsage → ${id}: not a PropertyValue`);
      must(figure, 'propertyID', 'a resource usage PropertyValue');
      must(figure, 'value', 'a resource usage PropertyValue');
    }
  return problems;
}
