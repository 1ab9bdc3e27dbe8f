// `sievewright try RULES MSG... [--format text|tsv] [--defaults RULES]
// [--envelope-from ADDR] [--recipient ADDR] [--spam-header NAME]`: what the
// mail server would do with each message under the rules, without a mail
// server (grammar/evaluate, which agrees with Pigeonhole's sieve-test).
// `text` names, for each action, the rule and condition that decided it;
// `tsv` prints `PATH<TAB>ACTIONS` per message, ACTIONS a space-separated
// sorted set of `folder:NAME` (keep is `folder:INBOX`), `discard`,
// `redirect:ADDRESS`, `reject`, `vacation`, or `raw` when a raw Sieve block
// decides. The envelope sender defaults to the message's Return-Path.
// With --defaults, the rules are a user's and the file the admin's
// defaults: the user's effective rules run between the locked ones.
// Exit 0 when every message was evaluated, 1 on bad rules or an unreadable
// message, 2 on wrong usage.
import { readFileSync } from 'node:fs';
import { effectiveRuleSet, splitDefaults } from '../../grammar/effective.js';
import { actionSet, evaluateRuleSet, parseMessage, type EvalAction, type EvaluateOptions, type Evaluation } from '../../grammar/evaluate/index.js';
import type { RuleSet } from '../../grammar/model.js';
import { checkRulesFile } from './check.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE =
  'usage: sievewright try RULES MSG... [--format text|tsv] [--defaults RULES] [--envelope-from ADDR] [--recipient ADDR] [--spam-header NAME]\n' +
  '  text (default): each action with the rule that decided it; tsv: PATH<TAB>ACTIONS per message.\n' +
  '  --defaults: the admin\'s defaults RULES are merged with, locked rules run around them.\n' +
  '  --envelope-from: default the message\'s Return-Path; --recipient: the envelope recipient.\n';

const OPTIONS = stringOptions('format', 'defaults', 'envelope-from', 'recipient', 'spam-header');

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'try', usage: USAGE, options: OPTIONS, positionals: true }, args, tryRules);
}

async function tryRules({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'tsv') throw new UsageError(`--format must be text or tsv, not "${format}"`);
  if (positionals.length < 2) throw new UsageError('give a rules file and at least one message');
  const [rulesFile, ...messages] = positionals as [string, ...string[]];
  if (messages.includes('-') && rulesFile === '-') throw new UsageError('only one of the rules and a message can come from standard input');
  const compileOpts = values['spam-header'] === undefined ? {} : { spamHeader: values['spam-header'] };
  const user = checkRulesFile(rulesFile, compileOpts, 'try').ruleSet;
  if (!user) return EXIT_INPUT;
  let rs: RuleSet = user;
  const opts: EvaluateOptions = { ...compileOpts };
  if (values.defaults !== undefined) {
    const defaults = checkRulesFile(values.defaults, compileOpts, 'try').ruleSet;
    if (!defaults) return EXIT_INPUT;
    const split = splitDefaults(defaults);
    rs = effectiveRuleSet(defaults, user, []);
    Object.assign(opts, { before: split.before, after: split.after, defaults });
  }
  let status = EXIT_OK;
  for (const file of messages) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file === '-' ? 0 : file);
    } catch (err) {
      process.stderr.write(`sievewright try: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      status = EXIT_INPUT;
      continue;
    }
    const msg = parseMessage(bytes.toString('utf8'), {}, { size: bytes.length });
    const returnPath = msg.headers.find((h) => h.name.toLowerCase() === 'return-path')?.raw;
    const from = values['envelope-from'] ?? returnPath;
    msg.envelope = { ...(from !== undefined ? { from } : {}), ...(values.recipient !== undefined ? { to: values.recipient } : {}) };
    const e = evaluateRuleSet(rs, msg, opts);
    process.stdout.write(format === 'tsv' ? `${file}\t${actionSet(e).join(' ')}\n` : describe(file, e));
  }
  return status;
}

function actionText(a: EvalAction): string {
  switch (a.type) {
    case 'fileinto':
      return `fileinto${a.copy ? ' :copy' : ''} ${JSON.stringify(a.folder)}`;
    case 'keep':
      return a.implicit ? 'keep (implicit)' : 'keep';
    case 'redirect':
      return `redirect${a.copy ? ' :copy' : ''} ${JSON.stringify(a.address)}`;
    case 'reject':
      return `reject ${JSON.stringify(a.reason)}`;
    case 'vacation':
      return 'vacation';
    case 'addflag':
      return `addflag ${JSON.stringify(a.flag)}`;
    default:
      return a.type;
  }
}

function decidedBy(a: EvalAction): string {
  const d = a.decidedBy;
  switch (d.source) {
    case 'implicit':
      return 'no action cancelled it';
    case 'spam':
      return 'the spam filter';
    case 'blocklist':
      return `blocklist entry ${JSON.stringify(d.ruleName)}`;
    default: {
      const who = { user: 'rule', default: 'default rule', locked: 'locked rule', whitelist: 'whitelist' }[d.source];
      const name = d.ruleName ? ` ${JSON.stringify(d.ruleName)}` : ` #${(d.ruleIndex ?? 0) + 1}`;
      return `${who}${name}${d.condition !== undefined ? `, condition ${d.condition + 1}` : ''}`;
    }
  }
}

function describe(file: string, e: Evaluation): string {
  const lines = [`${file}:`];
  const actions = e.kind === 'raw' ? e.actionsSoFar : e.actions;
  for (const a of actions) lines.push(`  ${actionText(a).padEnd(28)} ${decidedBy(a)}`);
  if (e.kind === 'raw') {
    const name = e.ruleName !== undefined ? JSON.stringify(e.ruleName) : `#${e.ruleIndex + 1}`;
    lines.push(`  depends on raw Sieve: raw block ${name}${e.script === 'user' ? '' : ` of the locked ${e.script} rules`} decides the rest`);
  } else if (e.error !== undefined) {
    lines.push(`  (the script fails: ${e.error}; the message is kept in INBOX)`);
  }
  return `${lines.join('\n')}\n`;
}
