/** The JSON-LD pieces a run's crate is made of (./run-crate.ts): entities, references, property values. */

/** The compiled definition, written beside the crate: the workflow the run executed. */
export const WORKFLOW_FILE = 'workflow.asl.json';

/** Where each step's and the workflow's parameters are, by id (files name the parameters they are examples of). */
export const PARAMETERS = {
  inputFiles: '#param/input-files',
  runInput: '#param/run-input',
  outputs: '#param/outputs',
  toolInput: (step: string) => `#tool/${step}/input`,
  toolOutput: (step: string) => `#tool/${step}/output`,
} as const;
export const toolOf = (step: string): string => `#tool/${step}`;

export type Entity = { readonly '@id': string; readonly '@type': string | readonly string[]; readonly [property: string]: unknown };
export type Ref = { readonly '@id': string };

export const ref = (id: string): Ref => ({ '@id': id });

/** A flat PropertyValue entity (RO-Crate's graph is flat: every entity has its own @id). */
export const property = (of: string, name: string, value: unknown): Entity => ({
  '@id': `${of}#${name}`,
  '@type': 'PropertyValue',
  name,
  value: typeof value === 'string' ? value : JSON.stringify(value),
});

/**
 * A measured quantity as the Provenance Run Crate's `resourceUsage` wants it: a `propertyID` naming
 * the quantity and a QUDT `unitCode`. Orchestra has no web site to mint URLs under, so the ids are
 * URNs, each described in docs/provenance.md.
 */
export const measured = (of: string, name: string, value: number, unit: 'MilliSEC' | 'MegaBYTE'): Entity => ({
  '@id': `${of}#${name}`,
  '@type': 'PropertyValue',
  name,
  propertyID: `urn:orchestra:usage:${name}`,
  unitCode: `https://qudt.org/vocab/unit/${unit}`,
  value: String(value),
});

/** A FormalParameter as Bioschemas' profile 1.0 (which the Workflow Run Crate follows) describes one. */
export const formalParameter = (id: string, name: string, additionalType: 'File' | 'Text', description: string): Entity => ({
  '@id': id,
  '@type': 'FormalParameter',
  conformsTo: ref('https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE'),
  name,
  additionalType,
  description,
});

/** A ParameterConnection of the workflow-run terms: data flowing from one parameter into another. */
export const connection = (source: string, target: string): Entity => ({
  '@id': `#connection/${source.replace(/^#/, '')}->${target.replace(/^#/, '')}`,
  '@type': 'ParameterConnection',
  sourceParameter: ref(source),
  targetParameter: ref(target),
});
