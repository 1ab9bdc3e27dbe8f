// A small tokenizer for showing Sieve, user_prefs and the rules DSL with
// colours. It only has to look right, not parse: anything it does not know
// stays plain text, and the concatenated tokens are always the input.

export type TokenType = 'comment' | 'string' | 'keyword' | 'tag' | 'number' | 'plain';

export interface Token {
  type: TokenType;
  text: string;
}

const SIEVE_WORDS = new Set([
  'require', 'if', 'elsif', 'else', 'anyof', 'allof', 'not', 'true', 'false', 'stop', 'keep', 'discard',
  'fileinto', 'redirect', 'reject', 'vacation', 'addflag', 'setflag', 'removeflag', 'header', 'address',
  'envelope', 'exists', 'size', 'body', 'spamtest', 'hasflag', 'set', 'string', 'ereject', 'duplicate',
]);

const SIEVE = /(#[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\]|\\[\s\S])*"?)|(:[A-Za-z_][\w-]*)|(\b\d+[KMG]?\b)|([A-Za-z_][\w.-]*)/g;

function tokenize(text: string, re: RegExp, isKeyword: (word: string, lineStart: boolean) => boolean): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index;
    if (at > last) out.push({ type: 'plain', text: text.slice(last, at) });
    const lineStart = at === 0 || /\n[ \t]*$/.test(text.slice(Math.max(0, at - 80), at));
    const type: TokenType = m[1]
      ? 'comment'
      : m[2]
        ? 'string'
        : m[3]
          ? 'tag'
          : m[4]
            ? 'number'
            : isKeyword(m[0], lineStart)
              ? 'keyword'
              : 'plain';
    out.push({ type, text: m[0] });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ type: 'plain', text: text.slice(last) });
  return out;
}

export function highlightSieve(text: string): Token[] {
  return tokenize(text, SIEVE, (w) => SIEVE_WORDS.has(w));
}

// user_prefs: `# comment` lines, and the first word of a line is the directive.
const PREFS = /(#[^\n]*)|()()(\b\d+(?:\.\d+)?\b)|(^[A-Za-z_]\w*)/gm;

export function highlightPrefs(text: string): Token[] {
  return tokenize(text, PREFS, () => true);
}

// The rules DSL: comments, strings and the first word of each line.
const DSL = /(#[^\n]*)|("(?:[^"\\]|\\[\s\S])*"?)|()(\b\d+(?:\.\d+)?\b)|([A-Za-z_][\w-]*)/g;

export function highlightDsl(text: string): Token[] {
  return tokenize(text, DSL, (_w, lineStart) => lineStart);
}
