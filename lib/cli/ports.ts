/** Default local ports, in a module of their own so `--help` can show them without loading the commands. */
export const DEFAULT_S3_PORT = 4568;
export const DEFAULT_SFN_PORT = 4569;
export const DEFAULT_API_PORT = 4570;
export const DEFAULT_CONSOLE_PORT = 4580;
