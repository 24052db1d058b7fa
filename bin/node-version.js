// Plain JavaScript on purpose: it runs before tsx is loaded, on whatever Node started the CLI.
export const MINIMUM_NODE_MAJOR = 22;

/** Why this Node cannot run Orchestra, with the fix; undefined when it can. */
export function nodeVersionProblem(version) {
  const major = Number(String(version).replace(/^v/, '').split('.')[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return `Orchestra needs Node ${MINIMUM_NODE_MAJOR} or later; this is Node ${version}. Run it through npm (npx orchestra …, npm start), which uses the Node 24 that npm ci installs, or install Node ${MINIMUM_NODE_MAJOR}+ (see .nvmrc).`;
}
