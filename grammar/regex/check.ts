// The one question rule validation asks about a regex: would the mail
// server refuse it (`bad_regex`), or accept it but read it differently from
// what it says (`regex_not_posix`)?
import { findMeaningProblem } from './meaning.js';
import { parseRegex, type RegexOptions, type RegexProblem } from './parse.js';

export function checkRegex(pattern: string, opts: RegexOptions = {}): RegexProblem | null {
  const parsed = parseRegex(pattern, opts);
  if (!parsed.ok) return parsed.problem;
  return findMeaningProblem(parsed.regex);
}
