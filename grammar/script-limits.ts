// The server's limits applied to the script the emitter wrote, where the
// model alone cannot tell: the script's size (Pigeonhole's
// sieve_max_script_size) and how deeply a rule's tests nest once written
// out (a "none of" group is two levels, `not anyof(...)`, and the whitelist
// exemption wraps a rule in one more). Each problem names the rules at fault.
import { error, type Diagnostic } from './diagnostics.js';
import type { LineMapEntry } from './emit/sieve.js';
import { parseSieve } from './import/sieve-parse.js';
import { utf8Length, type SieveLimits } from './limits.js';
import { isRawBlock, type Condition, type RuleItem, type RuleSet } from './model.js';
import { rawBlockLabel } from './raw-block.js';

export interface EmittedScript {
  sieve: string;
  lineMap: readonly LineMapEntry[];
}

/** How many of the largest rules a too-large script names. */
const LARGEST_SHOWN = 3;

export function checkScriptLimits(rs: RuleSet, script: EmittedScript, limits: SieveLimits): Diagnostic[] {
  const out: Diagnostic[] = [];
  const size = limits.maxScriptBytes > 0 ? scriptBytes(script.sieve, limits.maxScriptBytes) : 0;
  const nesting = needsNestingCheck(rs, limits);
  const lines = size > limits.maxScriptBytes || nesting ? script.sieve.split('\n') : [];
  if (size > limits.maxScriptBytes) out.push(tooLarge(rs, script, lines, size, limits.maxScriptBytes));
  // Most rule sets have no rule deep enough to need a look.
  for (const entry of nesting ? script.lineMap : []) {
    const item = rs.rules[entry.ruleIndex];
    if (!item || isRawBlock(item) || !item.enabled || !mayNestTooDeeply(item.conditions, limits)) continue;
    // The rule's own lines are a script by themselves; the parser refuses nesting exactly where Pigeonhole does.
    const text = lines.slice(entry.startLine - 1, entry.endLine).join('\n');
    const nesting = parseSieve(text, { ...limits, maxScriptBytes: 0 }).diagnostics[0];
    if (nesting) out.push(error('too_deep', `${labelOf(item, entry.ruleIndex)}: its conditions are nested too deeply for the server once written as Sieve (${nesting.message})`));
  }
  return out;
}

/**
 * The script's UTF-8 size, or 0 when its length alone proves it fits: a
 * UTF-16 code unit is at most 3 bytes (a surrogate pair, 2 units, is 4).
 */
function scriptBytes(sieve: string, max: number): number {
  return sieve.length * 3 <= max ? 0 : utf8Length(sieve);
}

function labelOf(item: RuleItem, index: number): string {
  return isRawBlock(item) ? rawBlockLabel(item, index) : `rule ${JSON.stringify(item.name)}`;
}

function tooLarge(rs: RuleSet, script: EmittedScript, lines: readonly string[], size: number, max: number): Diagnostic {
  const bytesOf = (from: number, to: number): number => {
    let n = 0;
    for (let i = from; i < to; i++) n += utf8Length(lines[i]!) + 1;
    return n;
  };
  const sizes = script.lineMap.map((e) => ({ label: labelOf(rs.rules[e.ruleIndex]!, e.ruleIndex), bytes: bytesOf(e.startLine - 1, e.endLine) }));
  const rest = size - sizes.reduce((sum, s) => sum + s.bytes, 0);
  const largest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, LARGEST_SHOWN);
  const parts = largest.map((s) => `${s.label} (${s.bytes} bytes)`);
  if (rs.whitelist.length + rs.blocklist.length > 0) parts.push(`the trusted and blocked senders with the script's header (${rest} bytes)`);
  return error(
    'script_too_large',
    `the Sieve script would be ${size} bytes, but the server accepts at most ${max} (sieve_max_script_size); the largest parts: ${parts.join(', ')}`,
  );
}

/**
 * Each condition level is at most two test levels once written (`not
 * anyof(...)`), and the rule's combination and the whitelist exemption add at
 * most three around them: only rules that could pass the limit are parsed.
 */
function mayNestTooDeeply(conditions: readonly Condition[], limits: SieveLimits): boolean {
  return 2 * Math.max(0, ...conditions.map(depthOf)) + 3 > limits.maxNestingDepth;
}

function needsNestingCheck(rs: RuleSet, limits: SieveLimits): boolean {
  return rs.rules.some((r) => !isRawBlock(r) && r.enabled && mayNestTooDeeply(r.conditions, limits));
}

function depthOf(c: Condition): number {
  if (c.kind === 'not') return 1 + depthOf(c.condition);
  if (c.kind === 'group') return 1 + Math.max(0, ...c.conditions.map(depthOf));
  return 1;
}
