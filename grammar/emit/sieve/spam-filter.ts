// The built-in spam step: mail SpamAssassin scored at or above the user's
// threshold goes to the junk folder (with the filter's Junk keyword) and no
// later rule runs, unless the sender is whitelisted:
//     # sievewright:spam
//     if allof(not WHITELISTED, header :regex "X-Spam-Status" "SCORE >= T") {
//       addflag "$SievewrightJunk"; fileinto "Junk"; removeflag "$SievewrightJunk"; stop;
//     }
// It runs after the locked admin rules and the blocklist, before every other
// rule: the user's forwards, autoreplies and folder rules never act on spam.
//
// Several score headers: the message is spam when any of them scores at or
// above the threshold (Sieve's `header` test over every instance). spamd
// deletes the X-Spam-* headers a message arrives with and inserts its own
// near the top, so after spamc there is one; other integrations (an MTA's
// `add_header`) append theirs without deleting a sender's. Taking any
// header means a forged low score never lowers the verdict; a forged high
// score can only send the forger's own message to Junk.

import type { Action } from '../../model.js';
import type { Scope } from './scope.js';
import { renderActions } from './actions.js';
import { SPAM_FILTER_MARKER } from './markers.js';
import { spamScoreTest } from './tests.js';


/** What the step does with spam. */
export function spamFilterActions(junkFolder: string): Action[] {
  return [{ kind: 'fileinto', folder: junkFolder }, { kind: 'stop' }];
}

/** The step's lines, or none when the threshold is not a number (validateRuleSet reports it). */
export function spamFilterLines(exempt: string | null, s: Scope): string[] {
  const { threshold, junkFolder } = s.ctx.settings;
  if (!Number.isFinite(threshold)) return [];
  const score = spamScoreTest(threshold, s);
  const test = exempt === null ? score : `allof(not ${exempt}, ${score})`;
  const commands = renderActions(spamFilterActions(junkFolder), s);
  return [SPAM_FILTER_MARKER, `if ${test} {`, ...commands.map((c) => `  ${c}`), '}'];
}
