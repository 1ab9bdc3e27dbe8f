// Sieve action commands -> model actions. As with tests, anything the model
// cannot state exactly (fileinto :flags, vacation :mime, removeflag, nested
// ifs, ...) is refused so the rule stays verbatim.
import type { Action, Vacation } from '../model.js';
import { stringValues, type SieveCommand } from '../sieve-ast.js';
import { ok, readArgs, refuse, type Outcome } from './sieve-args.js';

export interface ActionContext {
  /**
   * Whether a flag command ran before this one in the script. Until one does,
   * the internal flag variable is empty and `setflag` adds exactly like
   * `addflag`; after, it would also drop earlier flags, which the model cannot say.
   */
  flagsTouched: boolean;
}

export function convertActions(commands: readonly SieveCommand[], ctx: ActionContext): Outcome<Action[]> {
  const out: Action[] = [];
  for (const cmd of commands) {
    const converted = convertAction(cmd, ctx);
    if (!converted.ok) return converted;
    out.push(...converted.value);
  }
  return ok(out);
}

function convertAction(cmd: SieveCommand, ctx: ActionContext): Outcome<Action[]> {
  const name = cmd.name.toLowerCase();
  if (cmd.block !== null || cmd.tests.length > 0) return refuse(`'${name}' with a block or tests inside the rule`);
  const converter = ACTIONS[name];
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
  setflag: (cmd, ctx) => (ctx.flagsTouched ? refuse("'setflag' after other flag commands") : flags(cmd, ctx)),
  vacation: (cmd) => {
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
    };
    return ok([{ kind: 'vacation', vacation }]);
  },
};

/** `addflag "\\Seen \\Flagged"` holds a space-separated list of flags. */
function flags(cmd: SieveCommand, ctx: ActionContext): Outcome<Action[]> {
  const args = readArgs(cmd, { tags: {}, positional: ['strings'] });
  if (!args.ok) return refuse(`'${cmd.name}' on a variable or with tags`);
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
