// The one rule model. Every front end (DSL text, UI form, Sieve import,
// procmail migration) produces it; every back end (Sieve, user_prefs, DSL
// printer) consumes it. Plain JSON data: no classes, no functions, so it
// crosses the HTTP boundary and structuredClone unchanged. Its shape is
// written once, as schemas, in model-schema.ts; this module adds what the
// model means.
import type { RawBlock, RuleItem, RuleSet, SpamSettings } from './model-schema.js';

export * from './model-schema.js';

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
