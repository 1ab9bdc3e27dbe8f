// The one rule model. Every front end (DSL text, UI form, Sieve import,
// procmail migration) produces it; every back end (Sieve, user_prefs, DSL
// printer) consumes it. Plain JSON data: no classes, no functions, so it
// crosses the HTTP boundary and structuredClone unchanged.

export type MatchType = 'is' | 'contains' | 'matches' | 'regex';

export interface StringMatch {
  match: MatchType;
  /** One or more keys; the condition holds when any key matches. */
  values: string[];
  /** Default false: Sieve's i;ascii-casemap comparator. */
  caseSensitive?: boolean;
}

export type AddressHeader = 'from' | 'to' | 'cc' | 'bcc' | 'sender' | 'reply-to' | 'any';
export type AddressPart = 'all' | 'localpart' | 'domain';
export type AuthMethod = 'dmarc' | 'dkim' | 'spf';
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

export type Condition =
  | { kind: 'address'; header: AddressHeader; part: AddressPart; test: StringMatch }
  | { kind: 'envelope'; field: 'from' | 'to'; part: AddressPart; test: StringMatch }
  | { kind: 'header'; names: string[]; test: StringMatch }
  | { kind: 'subject'; test: StringMatch }
  | { kind: 'list-id'; test: StringMatch }
  | { kind: 'size'; comparison: 'over' | 'under'; bytes: number }
  | { kind: 'body'; test: StringMatch }
  | { kind: 'exists'; names: string[] }
  | { kind: 'auth'; method: AuthMethod; result: AuthResult }
  | { kind: 'spam-score'; atLeast: number }
  | { kind: 'always' }
  | { kind: 'not'; condition: Condition }
  | { kind: 'group'; combine: Combine; conditions: Condition[] };

export type Combine = 'all' | 'any' | 'none';

export interface Vacation {
  days?: number;
  subject?: string;
  from?: string;
  /** The user's own addresses, so replies go out for mail to any of them. */
  addresses?: string[];
  message: string;
  /** ISO dates (YYYY-MM-DD), inclusive. */
  start?: string;
  end?: string;
}

export type Action =
  | { kind: 'fileinto'; folder: string; copy?: boolean; create?: boolean }
  | { kind: 'redirect'; address: string; copy?: boolean }
  | { kind: 'reject'; reason: string }
  | { kind: 'discard' }
  | { kind: 'keep' }
  | { kind: 'mark-read' }
  | { kind: 'flag' }
  | { kind: 'keyword'; keyword: string }
  | { kind: 'vacation'; vacation: Vacation }
  | { kind: 'stop' };

export interface Rule {
  name: string;
  enabled: boolean;
  /** How the top-level conditions combine. */
  combine: Combine;
  conditions: Condition[];
  actions: Action[];
  /** Admin defaults only: a locked rule cannot be switched off by users. */
  locked?: boolean;
  /** Admin defaults only: runs before (default) or after the user's rules. */
  placement?: 'before' | 'after';
}

export interface WhitelistEntry {
  /** An address or a wildcard pattern such as `*@example.com`. */
  pattern: string;
  /** "only when authenticated": DKIM or DMARC pass for the sender's domain. */
  authenticated: boolean;
}

export type BlockAction = 'junk' | 'discard' | 'reject';

export interface BlocklistEntry {
  pattern: string;
  action: BlockAction;
}

export interface SpamSettings {
  junkFolder: string;
  /** SpamAssassin required_score. */
  threshold: number;
  /** RFC 8601 authserv-id whose Authentication-Results we trust. */
  trustedAuthservId?: string;
  /**
   * The built-in step filing mail scored at or above `threshold` into the
   * junk folder. Absent means on, so rule sets stored before it existed
   * get it; only `false` turns it off.
   */
  spamFilter?: boolean;
}

/**
 * A block of Sieve the model cannot express, kept verbatim by the Sieve
 * importer at its position among the rules and emitted unchanged.
 */
export interface RawBlock {
  kind: 'raw';
  name?: string;
  sieve: string;
  requires: string[];
  enabled: boolean;
}

export type RuleItem = Rule | RawBlock;

export interface RuleSet {
  settings: SpamSettings;
  whitelist: WhitelistEntry[];
  blocklist: BlocklistEntry[];
  rules: RuleItem[];
}

export function isRawBlock(item: RuleItem): item is RawBlock {
  return (item as RawBlock).kind === 'raw';
}

/**
 * IMAP keyword the emitted script sets on every message it files into the
 * Junk folder, so the learning watcher can tell the filter's deliveries from
 * a user's own moves.
 */
export const FILTER_JUNK_KEYWORD = '$SievewrightJunk';

export function spamFilterOn(settings: SpamSettings): boolean {
  return settings.spamFilter !== false;
}

export const DEFAULT_SETTINGS: SpamSettings = { junkFolder: 'Junk', threshold: 5 };

export function emptyRuleSet(): RuleSet {
  return { settings: { ...DEFAULT_SETTINGS }, whitelist: [], blocklist: [], rules: [] };
}
