// Where in the user's rules a mail server's complaint about an emitted
// script points. The server names a script line; the emitter marks each
// rule (and raw block) with a top-level `# rule:[NAME]` comment, and its own
// sections with `# sievewright:...` comments, so the rule a line belongs to
// is the nearest marker above it, read from the parsed script (a marker-like
// line inside a multi-line string is not a comment and does not count).
import { SECTION_TEXT } from './emit/sieve/markers.js';
import { RULE_MARKER } from './import/sieve.js';
import { parseSieve } from './import/sieve-parse.js';
import type { SieveComment, SieveScript } from './sieve-ast.js';

export interface RuleAtLine {
  /** The rule's name as the marker spells it. */
  name: string;
  /** Index into `RuleSet.rules` (markers are written one per rule, in order). */
  ruleIndex: number;
  /** 1-based line of the rule's marker comment. */
  markerLine: number;
}

export interface ErrorLocation {
  /** The script line reported, or null when none was. */
  line: number | null;
  /** The rule that line lies in; null outside every rule (the `require` line, a section of sievewright's own). */
  rule: RuleAtLine | null;
}

interface Marker {
  line: number;
  rule: RuleAtLine | null;
}

/** Comments between top-level commands, in order. */
function topLevelComments(script: SieveScript): SieveComment[] {
  const out: SieveComment[] = [];
  let i = 0;
  for (const c of script.comments) {
    const at = c.loc.start.offset;
    while (i < script.commands.length && script.commands[i]!.loc.end.offset <= at) i += 1;
    const cmd = script.commands[i];
    if (!cmd || cmd.loc.start.offset > at) out.push(c);
  }
  return out;
}

function markers(script: SieveScript): Marker[] {
  const out: Marker[] = [];
  let ruleIndex = 0;
  for (const c of topLevelComments(script)) {
    if (c.style !== 'hash') continue;
    const m = RULE_MARKER.exec(c.text);
    if (m) out.push({ line: c.loc.start.line, rule: { name: m[1]!, ruleIndex: ruleIndex++, markerLine: c.loc.start.line } });
    else if (c.text.startsWith(SECTION_TEXT)) out.push({ line: c.loc.start.line, rule: null });
  }
  return out;
}

function ruleAt(list: readonly Marker[], line: number): RuleAtLine | null {
  let found: Marker | undefined;
  for (const m of list) {
    if (m.line > line) break;
    found = m;
  }
  return found?.rule ?? null;
}

/**
 * The error to show for a script the server refused, given the lines of
 * its errors in the server's order: the first that lies in a rule (an
 * unknown `require` is reported on line 2 before the command that needs it,
 * which the user wrote), else the first line at all.
 */
export function locateError(script: string, lines: readonly (number | null)[]): ErrorLocation {
  const known = lines.filter((l): l is number => l !== null);
  if (known.length === 0) return { line: null, rule: null };
  const ruleAt = rulesOf(script);
  for (const line of known) {
    const rule = ruleAt(line);
    if (rule) return { line, rule };
  }
  return { line: known[0]!, rule: null };
}

/** Reads the script once; the answer tells the rule any line lies in (none when the script does not parse). */
export function rulesOf(script: string): (line: number) => RuleAtLine | null {
  const parsed = parseSieve(script, { maxScriptBytes: 0 });
  const list = parsed.value ? markers(parsed.value) : [];
  return (line) => ruleAt(list, line);
}
