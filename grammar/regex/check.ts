// The one question rule validation asks about a regex: would the mail
// server refuse it (`bad_regex`), or accept it but read it differently from
// what it says (`regex_not_posix`)?
import { findMeaningProblem } from './meaning.js';
import { parseRegex, type RegexOptions, type RegexProblem } from './parse.js';
import { isPlainRegex } from './plain.js';

export function checkRegex(pattern: string, opts: RegexOptions = {}): RegexProblem | null {
  // Most regexes are plain; a big rule set's validation was mostly the full parse of those.
  if (isPlainRegex(pattern)) return null;
  const parsed = parseRegex(pattern, opts);
  if (!parsed.ok) return parsed.problem;
  return findMeaningProblem(parsed.regex);
}
