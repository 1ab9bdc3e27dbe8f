// One unit of a script (an if/elsif/else chain or a bare action) -> model
// rules, or a refusal with the reason the unit stays verbatim. All or
// nothing: a rule is never imported with a test or an action left out.
import type { Combine, Condition, Rule } from '../model.js';
import type { SieveComment, SieveCommand } from '../sieve-ast.js';
import { convertActions, type ActionContext } from './sieve-actions.js';
import { ok, refuse, type Outcome } from './sieve-args.js';
import { parseSieveTest } from './sieve-parse.js';
import { usesSubstitution } from './sieve-requires.js';
import { convertTest, type SpecialTest } from './sieve-tests.js';
import type { Unit } from './sieve-units.js';

export interface RuleContext {
  actions: ActionContext;
  special?: SpecialTest;
  /** The script requires "variables" or "encoded-character": `${` in a string is not literal. */
  substitutes: boolean;
}

interface Branch {
  enabled: boolean;
  condition: Condition;
  /** The comment holding a disabled rule's test, which the rule itself represents. */
  consumed?: SieveComment;
}

export function convertUnit(unit: Unit, name: string, ctx: RuleContext): Outcome<Rule[]> {
  if (ctx.substitutes && usesSubstitution(unit.commands)) return refuse('a string with ${...} that the script expands');
  if (unit.kind === 'command') {
    const actions = convertActions(unit.commands, ctx.actions);
    if (!actions.ok) return actions;
    if (unit.inner.length > 0) return refuse('comments inside the command would be lost');
    return ok([{ name, enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: actions.value }]);
  }
  return convertChain(unit, name, ctx);
}

function convertChain(unit: Unit, name: string, ctx: RuleContext): Outcome<Rule[]> {
  const branches: Branch[] = [];
  for (const cmd of unit.commands) {
    if (cmd.name.toLowerCase() === 'else') {
      if (cmd.tests.length > 0 || cmd.arguments.length > 0) return refuse("malformed 'else'");
      continue;
    }
    const branch = readBranch(cmd, unit.inner, ctx);
    if (!branch.ok) return branch;
    branches.push(branch.value);
  }
  const consumed = new Set(branches.map((b) => b.consumed).filter((c) => c !== undefined));
  if (unit.inner.some((c) => !consumed.has(c))) return refuse('comments inside the rule would be lost');
  if (branches.length > 1 && branches.some((b) => !b.enabled)) return refuse('a disabled branch in an if/elsif chain');

  const rules: Rule[] = [];
  for (let i = 0; i < unit.commands.length; i++) {
    const cmd = unit.commands[i]!;
    const actions = convertActions(cmd.block ?? [], ctx.actions);
    if (!actions.ok) return actions;
    // Branch i runs when every earlier branch's test failed and its own holds.
    const earlier = branches.slice(0, i).map((b): Condition => ({ kind: 'not', condition: b.condition }));
    const own = branches[i];
    const shape = earlier.length === 0 && own ? topLevel(own.condition) : { combine: 'all' as Combine, conditions: [...earlier, ...(own ? [own.condition] : [])] };
    rules.push({
      name: i === 0 ? name : `${name} (${own ? 'elsif' : 'else'} ${i})`,
      enabled: own?.enabled ?? true,
      combine: shape.combine,
      conditions: shape.conditions,
      actions: actions.value,
    });
  }
  return ok(rules);
}

function readBranch(cmd: SieveCommand, inner: readonly SieveComment[], ctx: RuleContext): Outcome<Branch> {
  const test = cmd.tests[0];
  if (cmd.block === null || cmd.arguments.length > 0 || cmd.testList || cmd.tests.length !== 1 || !test) {
    return refuse(`malformed '${cmd.name}'`);
  }
  if (test.name.toLowerCase() === 'false' && test.arguments.length === 0) {
    // Roundcube disables a rule as `if false # <its test>`.
    const kept = inner.find((c) => c.style === 'hash' && c.loc.start.offset >= test.loc.end.offset && c.loc.start.line === test.loc.end.line);
    if (!kept) return refuse("'if false' without the disabled rule's test");
    const parsed = parseSieveTest(kept.text);
    if (!parsed.value) return refuse('the disabled rule\'s test does not parse');
    if (ctx.substitutes && usesSubstitution([{ ...cmd, tests: [parsed.value] }])) return refuse('a string with ${...} that the script expands');
    const condition = convertTest(parsed.value, ctx.special);
    return condition.ok ? ok({ enabled: false, condition: condition.value, consumed: kept }) : condition;
  }
  const condition = convertTest(test, ctx.special);
  return condition.ok ? ok({ enabled: true, condition: condition.value }) : condition;
}

/** How a rule's own test reads as the model's top-level combine and conditions. */
function topLevel(c: Condition): { combine: Combine; conditions: Condition[] } {
  if (c.kind === 'group') return { combine: c.combine, conditions: c.conditions };
  if (c.kind === 'not' && c.condition.kind === 'group' && c.condition.combine === 'any') {
    return { combine: 'none', conditions: c.condition.conditions };
  }
  return { combine: 'all', conditions: [c] };
}
