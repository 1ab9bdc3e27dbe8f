// The comments that mark sievewright's own sections of an emitted script:
// the emitter writes them, the Sieve importer and the error locator read
// them back. The parser gives a comment's text without its `#`.

/** What the text of every section comment starts with. */
export const SECTION_TEXT = ' sievewright:';

export const WHITELIST_MARKER = `#${SECTION_TEXT}whitelist`;
export const BLOCKLIST_MARKER = `#${SECTION_TEXT}blocklist`;
export const SPAM_FILTER_MARKER = `#${SECTION_TEXT}spam`;

/** A marker as the parser reads it back: the comment's text. */
export function markerText(marker: string): string {
  return marker.slice(1);
}
