/** IAM's wildcard match (`*` any run of characters, "/" included; `?` one character), for policies and for what they grant. */
const escapeRegExp = (text: string): string => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

const patterns = new Map<string, RegExp>();

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patterns.get(cacheKey);
  if (regex === undefined) {
    regex = new RegExp(`^${escapeRegExp(pattern).replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's');
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(cacheKey, regex);
  }
  return regex.test(value);
}
