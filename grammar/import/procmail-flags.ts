// Recipe flags (procmailrc(5) "Flags") and what each means once converted.

export interface RecipeFlags {
  /** Search areas for the conditions: H and/or B (H alone by default). */
  head: boolean;
  body: boolean;
  caseSensitive: boolean;
  /** A: needs the last recipe without A/a to have matched; a: and to have succeeded. */
  andPrevious: boolean;
  andPreviousSucceeded: boolean;
  /** E: runs only if the preceding recipe did not run; e: only if it failed. */
  elseIf: boolean;
  onError: boolean;
  copy: boolean;
  /** What is fed to the action: h (header) and b (body); both by default. */
  feedHead: boolean;
  feedBody: boolean;
  filter: boolean;
  /** w, W, i, r: exit-code waiting and write-error handling, no effect on routing. */
  wait: boolean;
  unknown: string[];
}

const KNOWN = 'HBDAaEecbhfwWir';

export function parseFlags(text: string): RecipeFlags {
  const has = (c: string) => text.includes(c);
  const head = has('H');
  const body = has('B');
  const feedHead = has('h');
  const feedBody = has('b');
  return {
    head: head || !body,
    body,
    caseSensitive: has('D'),
    andPrevious: has('A') || has('a'),
    andPreviousSucceeded: has('a'),
    elseIf: has('E'),
    onError: has('e'),
    copy: has('c'),
    feedHead: feedHead || !feedBody,
    feedBody: feedBody || !feedHead,
    filter: has('f'),
    wait: has('w') || has('W'),
    unknown: [...new Set([...text].filter((c) => !KNOWN.includes(c)))],
  };
}

/**
 * Why a flag set changes the converted rule's meaning, if it does. Flags
 * that only affect locking, waiting or write errors (w, W, i, r, and
 * lockfiles) cannot change where a message ends up in Sieve.
 */
export function deliveryFlagChange(flags: RecipeFlags): string | null {
  if (flags.feedHead && !flags.feedBody) {
    return "the h flag delivers only the header (procmail drops the body); Sieve files the whole message";
  }
  if (flags.feedBody && !flags.feedHead) {
    return "the b flag delivers only the body (procmail drops the header); Sieve files the whole message";
  }
  return null;
}
