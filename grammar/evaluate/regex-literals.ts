// The literal byte runs every match of a regex must contain, so a value
// that lacks one is refused without running the regex: most header values
// a rule's regex meets do not match it, and a substring search is far
// cheaper than the regex engine. The runs use the bytes the engine compares
// (grammar/regex/match.ts): upper-cased unless the comparator is i;octet
// or the byte was written with a backslash, against a value upper-cased
// the same way.
import type { RegexNode } from '../regex/ast.js';
import { upper, type ParsedRegex } from '../regex/parse.js';

function mandatory(n: RegexNode, cs: boolean, out: string[]): void {
  switch (n.type) {
    case 'group':
      if (n.body) mandatory(n.body, cs, out);
      return;
    case 'repeat':
      if (n.min >= 1) mandatory(n.body, cs, out);
      return;
    case 'seq': {
      let run = '';
      for (const item of n.items) {
        const lit = literal(item, cs);
        if (lit !== null) {
          run += lit;
          continue;
        }
        if (run) out.push(run);
        run = '';
        mandatory(item, cs, out);
      }
      if (run) out.push(run);
      return;
    }
    default: {
      const lit = literal(n, cs);
      if (lit) out.push(lit);
    }
  }
}

function literal(n: RegexNode, cs: boolean): string | null {
  if (n.type === 'text') {
    if (cs) return n.bytes;
    let s = '';
    for (let i = 0; i < n.bytes.length; i++) s += String.fromCharCode(upper(n.bytes.charCodeAt(i)));
    return s;
  }
  if (n.type === 'byte') return String.fromCharCode(cs || n.escaped ? n.value : upper(n.value));
  return null;
}

/** Byte runs (in the engine's case) that every value the regex matches contains. */
export function requiredLiterals(regex: ParsedRegex): string[] {
  const out: string[] = [];
  mandatory(regex.tree, regex.caseSensitive, out);
  return [...new Set(out)];
}
