// The command line every subcommand shares (server/cli/options.ts): --help,
// wrong options and usage mistakes answered one way, with exit codes 0 and 2;
// then each subcommand, through main, shown to answer that way.
import { describe, expect, test } from 'vitest';
import { UsageError } from '../../server/cli/command.js';
import { main } from '../../server/cli/main.js';
import { runCommandLine, stringOptions } from '../../server/cli/options.js';
import { capture } from '../support/capture.js';

const USAGE = 'usage: sievewright demo FILE --out DIR [--verbose]\n';
const OPTIONS = { ...stringOptions('out'), verbose: { type: 'boolean' } } as const;

/** A command that needs --out and one file, and reports what it was given. */
function demo(args: string[], seen: unknown[] = []): Promise<number> {
  return runCommandLine({ name: 'demo', usage: USAGE, options: OPTIONS, positionals: true }, args, async ({ values, positionals }) => {
    if (values.out === undefined) throw new UsageError('--out DIR is required');
    seen.push({ out: values.out, verbose: values.verbose ?? false, positionals });
    return positionals.length === 1 ? 0 : 1;
  });
}

describe('runCommandLine', () => {
  test('an unknown option exits 2 with the message and the usage on stderr, without running the command', async () => {
    const seen: unknown[] = [];
    const r = await capture(() => demo(['x', '--out', 'o', '--bogus'], seen));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sievewright demo: Unknown option '--bogus'.*\n\nusage: sievewright demo FILE --out DIR \[--verbose\]\n$/);
    expect(r.out).toBe('');
    expect(seen).toEqual([]);
  });

  test('an option without its value exits 2 with the usage', async () => {
    const r = await capture(() => demo(['x', '--out']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sievewright demo: Option '--out <value>' argument missing\n\n/);
    expect(r.err.endsWith(USAGE)).toBe(true);
  });

  test.each([['--help'], ['-h'], ['x', '-h']])('%s prints the usage on stdout and exits 0, without running the command', async (...args) => {
    const seen: unknown[] = [];
    const r = await capture(() => demo(args, seen));
    expect(r).toEqual({ code: 0, out: USAGE, err: '' });
    expect(seen).toEqual([]);
  });

  test('a wrong option is reported even beside --help', async () => {
    const r = await capture(() => demo(['--help', '--bogus']));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/Unknown option '--bogus'/);
  });

  test('a required option left out is a usage error: exit 2, the command\'s message and the usage on stderr', async () => {
    const r = await capture(() => demo(['x']));
    expect(r).toEqual({ code: 2, out: '', err: `sievewright demo: --out DIR is required\n\n${USAGE}` });
  });

  test('operands are refused unless the command takes them', async () => {
    const r = await capture(() =>
      runCommandLine({ name: 'flat', usage: 'usage: flat\n', options: {} }, ['extra'], async () => 0),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sievewright flat: Unexpected argument 'extra'/);
  });

  test('the command gets the parsed values and operands, and its exit code is returned as is', async () => {
    const seen: unknown[] = [];
    expect((await capture(() => demo(['a', '--out', 'o', '--verbose'], seen))).code).toBe(0);
    expect((await capture(() => demo(['a', 'b', '--out', 'p'], seen))).code).toBe(1);
    expect(seen).toEqual([
      { out: 'o', verbose: true, positionals: ['a'] },
      { out: 'p', verbose: false, positionals: ['a', 'b'] },
    ]);
  });

  test('an error that is not a usage error is left to main (exit 1, no usage)', async () => {
    const failing = () => runCommandLine({ name: 'demo', usage: USAGE, options: {} }, [], async () => Promise.reject(new Error('disk full')));
    await expect(capture(failing)).rejects.toThrow('disk full');
  });
});

const SUBCOMMANDS = ['backup', 'check', 'compile', 'dovecot-config', 'import', 'learn', 'migrate', 'push', 'serve', 'status'];

describe('every subcommand', () => {
  test.each(SUBCOMMANDS)('sievewright %s --help prints its usage on stdout and exits 0', async (name) => {
    const r = await capture(() => main([name, '--help']));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: sievewright ${name} `));
    expect(r.err).toBe('');
  });

  test.each(SUBCOMMANDS)('sievewright %s --bogus exits 2 with the message and its usage on stderr', async (name) => {
    const r = await capture(() => main([name, '--bogus']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^sievewright ${name}: Unknown option '--bogus'.*\\n\\nusage: sievewright ${name} `));
    expect(r.out).toBe('');
  });
});
