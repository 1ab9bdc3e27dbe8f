// Sieve action commands -> model actions. As with tests, anything the model
// cannot state exactly (fileinto :flags, vacation :mime, removeflag, nested
// ifs, ...) is refused so the rule stays verbatim.
import { FILTER_JUNK_KEYWORD, type Action, type Vacation } from '../model.js';
import { stringValues, type SieveCommand, type SieveTest } from '../sieve-ast.js';
import { ok, readArgs, refuse, type Outcome } from './sieve-args.js';
import { ownEntry } from '../own.js';

export interface ActionContext {
  /**
   * Whether a flag command ran before this one in the script. Until one does,
   * the internal flag variable is empty and `setflag` adds exactly like
   * `addflag`; after, it would also drop earlier flags, which the model cannot say.
   */
  flagsTouched: boolean;
  /** Folders filed into with FILTER_JUNK_KEYWORD set around the fileinto (sievewright's Junk filing). */
  junkFolders: Set<string>;
}

const FLAG_ACTIONS = new Set(['mark-read', 'flag', 'keyword']);

/**
 * The model's flag actions are emitted before the block's other commands
 * (they must mark the stores that follow), so a flag set after a store is
 * refused: moving it in front would flag that store too.
 */
export function convertActions(commands: readonly SieveCommand[], ctx: ActionContext): Outcome<Action[]> {
  const out: Action[] = [];
  for (let i = 0; i < commands.length; i++) {
    const junk = junkFiling(commands, i);
    if (junk) {
      ctx.junkFolders.add(junk.folder);
      out.push(junk);
      i += 2;
      continue;
    }
    const converted = convertAction(commands[i]!, ctx);
    if (!converted.ok) return converted;
    const isFlag = converted.value.some((a) => FLAG_ACTIONS.has(a.kind));
    if (isFlag && out.some((a) => !FLAG_ACTIONS.has(a.kind))) return refuse('a flag set after the message was stored');
    out.push(...converted.value);
  }
  return ok(out);
}

/** `addflag K; fileinto F; removeflag K;` with K = FILTER_JUNK_KEYWORD, as the emitter brackets Junk filing. */
function junkFiling(commands: readonly SieveCommand[], i: number): Extract<Action, { kind: 'fileinto' }> | null {
  const [add, file, remove] = [commands[i], commands[i + 1], commands[i + 2]];
  const isJunkFlag = (c: SieveCommand | undefined, name: string): boolean =>
    c?.name.toLowerCase() === name && c.arguments.length === 1 && c.arguments[0]?.type === 'string' && c.arguments[0].value === FILTER_JUNK_KEYWORD;
  if (!isJunkFlag(add, 'addflag') || !isJunkFlag(remove, 'removeflag') || file?.name.toLowerCase() !== 'fileinto') return null;
  const converted = ACTIONS.fileinto!(file, { flagsTouched: true, junkFolders: new Set() });
  const action = converted.ok ? converted.value[0] : undefined;
  return action?.kind === 'fileinto' ? action : null;
}

function convertAction(cmd: SieveCommand, ctx: ActionContext): Outcome<Action[]> {
  const name = cmd.name.toLowerCase();
  if (name === 'if') return datedVacation(cmd);
  if (cmd.block !== null || cmd.tests.length > 0) return refuse(`'${name}' with a block or tests inside the rule`);
  const converter = ownEntry(ACTIONS, name);
  return converter ? converter(cmd, ctx) : refuse(`command '${name}'`);
}

function single(cmd: SieveCommand, action: Action): Outcome<Action[]> {
  return cmd.arguments.length === 0 ? ok([action]) : refuse(`'${cmd.name}' with arguments`);
}

const ACTIONS: Record<string, (cmd: SieveCommand, ctx: ActionContext) => Outcome<Action[]>> = {
  keep: (cmd) => single(cmd, { kind: 'keep' }),
  discard: (cmd) => single(cmd, { kind: 'discard' }),
  stop: (cmd) => single(cmd, { kind: 'stop' }),
  fileinto: (cmd) => {
    const args = readArgs(cmd, { tags: { copy: 'none', create: 'none' }, positional: ['string'] });
    if (!args.ok) return args;
    const folder = stringValues(args.value.positional[0])![0]!;
    return ok([{
      kind: 'fileinto', folder,
      ...(args.value.tags.has('copy') ? { copy: true } : {}),
      ...(args.value.tags.has('create') ? { create: true } : {}),
    }]);
  },
  redirect: (cmd) => {
    const args = readArgs(cmd, { tags: { copy: 'none' }, positional: ['string'] });
    if (!args.ok) return args;
    const address = stringValues(args.value.positional[0])![0]!;
    return ok([{ kind: 'redirect', address, ...(args.value.tags.has('copy') ? { copy: true } : {}) }]);
  },
  reject: (cmd) => {
    const args = readArgs(cmd, { tags: {}, positional: ['string'] });
    if (!args.ok) return args;
    return ok([{ kind: 'reject', reason: stringValues(args.value.positional[0])![0]! }]);
  },
  addflag: (cmd, ctx) => flags(cmd, ctx),
  setflag: (cmd, ctx) => flags(cmd, ctx),
  vacation: (cmd) => vacation(cmd),
};

function vacation(cmd: SieveCommand, window: { start?: string; end?: string } = {}): Outcome<Action[]> {
    const args = readArgs(cmd, {
      tags: { days: 'number', subject: 'string', from: 'string', addresses: 'strings' },
      positional: ['string'],
    });
    if (!args.ok) return args;
    const { tags, positional } = args.value;
    const text = (tag: string): string | undefined => stringValues(tags.get(tag) ?? undefined)?.[0];
    const days = tags.get('days');
    const vacation: Vacation = {
      ...(days?.type === 'number' ? { days: days.value } : {}),
      ...(tags.has('subject') ? { subject: text('subject')! } : {}),
      ...(tags.has('from') ? { from: text('from')! } : {}),
      ...(tags.has('addresses') ? { addresses: stringValues(tags.get('addresses') ?? undefined)! } : {}),
      message: stringValues(positional[0])![0]!,
      ...window,
    };
    return ok([{ kind: 'vacation', vacation }]);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `if allof(currentdate :value "ge" "date" S, currentdate :value "le" "date" E) { vacation ...; }` */
function datedVacation(cmd: SieveCommand): Outcome<Action[]> {
  const inner = cmd.block?.[0];
  const test = cmd.tests[0];
  if (cmd.block?.length !== 1 || inner?.name.toLowerCase() !== 'vacation' || cmd.tests.length !== 1 || !test) {
    return refuse("an 'if' inside the rule");
  }
  const window = vacationWindow(test);
  return window ? vacation(inner, window) : refuse("an 'if' inside the rule");
}

/** The dates of a vacation window test, or null when the test is anything else. */
export function vacationWindow(test: SieveTest): { start?: string; end?: string } | null {
  const parts = test.name.toLowerCase() === 'allof' && test.testList ? test.tests : [test];
  const window: { start?: string; end?: string } = {};
  for (const t of parts) {
    const args = readArgs(t, { tags: { value: 'string' }, positional: ['string', 'string'] });
    if (t.name.toLowerCase() !== 'currentdate' || t.tests.length > 0 || !args.ok) return null;
    const relation = stringValues(args.value.tags.get('value') ?? undefined)?.[0];
    const [part, date] = args.value.positional.map((a) => stringValues(a)![0]!);
    if (part !== 'date' || !ISO_DATE.test(date!)) return null;
    const key = relation === 'ge' ? 'start' : relation === 'le' ? 'end' : null;
    if (key === null || window[key] !== undefined) return null;
    window[key] = date!;
  }
  return parts.length <= 2 ? window : null;
}

/** `addflag "\\Seen \\Flagged"` holds a space-separated list of flags. */
function flags(cmd: SieveCommand, ctx: ActionContext): Outcome<Action[]> {
  const args = readArgs(cmd, { tags: {}, positional: ['strings'] });
  if (!args.ok) return refuse(`'${cmd.name}' on a variable or with tags`);
  if (ctx.flagsTouched && cmd.name.toLowerCase() === 'setflag') return refuse("'setflag' after other flag commands");
  ctx.flagsTouched = true;
  const names = stringValues(args.value.positional[0])!.flatMap((s) => s.split(' ').filter((f) => f !== ''));
  if (names.length === 0) return refuse(`'${cmd.name}' without flags`);
  return ok(names.map((flag): Action => {
    const lower = flag.toLowerCase();
    if (lower === '\\seen') return { kind: 'mark-read' };
    if (lower === '\\flagged') return { kind: 'flag' };
    return { kind: 'keyword', keyword: flag };
  }));
}
