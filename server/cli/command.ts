// The contract every subcommand module fulfils, and the exit codes they share.
export const EXIT_OK = 0;
/** Bad input: a rules file with errors, an unreachable server, a rejected script. */
export const EXIT_INPUT = 1;
/** Wrong options or arguments. */
export const EXIT_USAGE = 2;

export interface Command {
  run(args: string[]): Promise<number>;
}

export class UsageError extends Error {}
