// Plain JavaScript on purpose: it runs before tsx is loaded, on whatever Node started the CLI.
export const MINIMUM_NODE_MAJOR = 22;

/** Why this Node cannot run Orchestra, with the fix; undefined when it can. */
export function nodeVersionProblem(version) {
  const major = Number(String(version).replace(/^v/, '').split('.')[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return `Orchestra needs Node ${MINIMUM_NODE_MAJOR} or later; this is Node ${version}. Run it through npm (npx orchestra …, npm start), which uses the Node 24 that npm ci installs, or install Node ${MINIMUM_NODE_MAJOR}+ (see .nvmrc).`;
}

/** Commands a newcomer runs before their project brings its own Node (`npx --package orchestra orchestra init`). */
const ANY_NODE_COMMANDS = ['init', 'help', '--help', '-h', '--version', '-V'];

/** Whether these CLI arguments run on any Node (help, the version, `init`), not only on Orchestra's minimum. */
export function runsOnAnyNode(args) {
  return args.length === 0 || ANY_NODE_COMMANDS.includes(args[0]);
}
