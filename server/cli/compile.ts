// `sievewright compile RULES --sieve OUT --prefs OUT [--capabilities "ext ..."]
// [--sa-version 3|4] [--max-script-size SIZE] [--spam-header NAME]`: compiles a rules file (`-` for stdin) into a Sieve
// script and a SpamAssassin user_prefs file (`-` for stdout). Nothing is
// written unless the whole rule set compiles.
import { writeFileSync } from 'node:fs';
import type { CompileOptions } from '../../grammar/compile.js';
import { checkRulesFile } from './check.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { capabilitiesOption, runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';
import { MAX_SCRIPT_SIZE_USAGE, parseScriptSize } from './script-size.js';

const USAGE =
  'usage: sievewright compile RULES [--sieve OUT] [--prefs OUT] [--capabilities "ext ext ..."] [--sa-version 3|4] [--max-script-size SIZE] [--spam-header NAME]\n' +
  '  RULES may be - for standard input; OUT may be - for standard output (only one of them).\n' +
  `  ${MAX_SCRIPT_SIZE_USAGE}\n` +
  '  --spam-header: the header SpamAssassin writes its verdict to (default X-Spam-Status).\n';

interface Request {
  file: string;
  sieve?: string;
  prefs?: string;
  opts: CompileOptions;
}

const OPTIONS = stringOptions('sieve', 'prefs', 'capabilities', 'sa-version', 'max-script-size', 'spam-header');

function toRequest({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Request {
  if (positionals.length !== 1) throw new UsageError('give exactly one rules file');
  if (values.sieve === undefined && values.prefs === undefined) throw new UsageError('say where to write the output: --sieve OUT and/or --prefs OUT');
  if (values.sieve === '-' && values.prefs === '-') throw new UsageError('only one of --sieve and --prefs can go to standard output');
  const opts: CompileOptions = {};
  const sa = values['sa-version'];
  if (sa !== undefined) {
    if (sa !== '3' && sa !== '4') throw new UsageError(`--sa-version must be 3 or 4, not "${sa}"`);
    opts.saVersion = sa === '3' ? 3 : 4;
  }
  if (values.capabilities !== undefined) opts.capabilities = capabilitiesOption(values.capabilities);
  const maxSize = values['max-script-size'];
  if (maxSize !== undefined) opts.limits = { maxScriptBytes: parseScriptSize(maxSize) };
  if (values['spam-header'] !== undefined) opts.spamHeader = values['spam-header'];
  return { file: positionals[0] as string, ...(values.sieve ? { sieve: values.sieve } : {}), ...(values.prefs ? { prefs: values.prefs } : {}), opts };
}

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'compile', usage: USAGE, options: OPTIONS, positionals: true }, args, async (parsed) => compile(toRequest(parsed)));
}

function compile(request: Request): number {
  const { compiled } = checkRulesFile(request.file, request.opts, 'compile');
  if (!compiled) return EXIT_INPUT;
  try {
    for (const [target, content] of [[request.sieve, compiled.sieve], [request.prefs, compiled.prefs]] as const) {
      if (target === undefined) continue;
      if (target === '-') process.stdout.write(content);
      else writeFileSync(target, content);
    }
  } catch (err) {
    process.stderr.write(`sievewright compile: cannot write output: ${(err as Error).message}\n`);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}
