// The command line of every subcommand, handled one way: node:util parseArgs
// (strict), `--help`/`-h` prints the usage on stdout (exit 0), and a wrong
// option or a UsageError thrown by the command prints the message and the
// usage on stderr (exit 2). Other errors go on to main, which prints them
// without a stack trace (exit 1).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_OK, EXIT_USAGE, UsageError } from './command.js';

/** The option declarations parseArgs takes (node:util does not export the type by name). */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const satisfies OptionsConfig;

export interface CommandLine<O extends OptionsConfig> {
  /** The subcommand, as messages name it: `sievewright NAME: ...`. */
  name: string;
  usage: string;
  /** Its options; `--help`/`-h` is added to them. */
  options: O;
  /** Whether it takes operands (files, a subject) besides options. */
  positionals?: boolean;
}

const STRING = { type: 'string' } as const;

/** Options that each take one string value, declared by name. */
/** `--capabilities "ext ext ..."`: the server's Sieve extensions, separated by spaces or commas. */
export function capabilitiesOption(value: string): string[] {
  const caps = value.split(/[\s,]+/).filter(Boolean);
  if (caps.length === 0) throw new UsageError('--capabilities needs at least one extension name');
  return caps;
}

export function stringOptions<const N extends string>(...names: N[]): Record<N, typeof STRING> {
  return Object.fromEntries(names.map((name) => [name, STRING])) as Record<N, typeof STRING>;
}

type Spec<O extends OptionsConfig> = { args: string[]; options: O & typeof HELP; allowPositionals: true; strict: true };

/** What parseArgs gives for these options: typed `values` and the `positionals`. */
export type ParsedCommandLine<O extends OptionsConfig> = ReturnType<typeof parseArgs<Spec<O>>>;

/** Parses `args` for `line` and runs `command` with the result, answering --help and usage errors itself. */
export async function runCommandLine<O extends OptionsConfig>(
  line: CommandLine<O>,
  args: string[],
  command: (parsed: ParsedCommandLine<O>) => Promise<number>,
): Promise<number> {
  const parser: ParseArgsConfig = { args, options: { ...line.options, ...HELP }, allowPositionals: line.positionals ?? false, strict: true };
  let parsed;
  try {
    parsed = parseArgs(parser);
  } catch (err) {
    // parseArgs says what is wrong (unknown option, missing value) in a TypeError.
    return usageError(line, (err as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(line.usage);
    return EXIT_OK;
  }
  try {
    return await command(parsed as ParsedCommandLine<O>);
  } catch (err) {
    if (err instanceof UsageError) return usageError(line, err.message);
    throw err;
  }
}

function usageError(line: CommandLine<OptionsConfig>, message: string): number {
  process.stderr.write(`sievewright ${line.name}: ${message}\n\n${line.usage}`);
  return EXIT_USAGE;
}
