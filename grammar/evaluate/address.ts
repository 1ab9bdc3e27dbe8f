// Address headers as Pigeonhole's `address` test reads them: the value is
// parsed as an RFC 5322 address list; each mailbox with a local part and a
// domain is an address; a value with no such mailbox at all (a bare group
// `undisclosed-recipients:;`, a word without `@`, an empty value) is
// compared whole, and only by `:all` (an empty value by every part).

export interface MailAddress {
  localpart: string;
  domain: string;
}

export type AddressItem = { kind: 'address'; address: MailAddress } | { kind: 'unparsed'; text: string };

/** Splits on `sep` outside quotes, comments and angle brackets. */
function splitTop(value: string, seps: string): Array<{ text: string; sep: string }> {
  const out: Array<{ text: string; sep: string }> = [];
  let depth = 0;
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      i++;
      continue;
    }
    if (quoted) {
      if (c === '"') quoted = false;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth > 0) continue;
    else if (c === '"') quoted = true;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (!angle && seps.includes(c)) {
      out.push({ text: value.slice(start, i), sep: c });
      start = i + 1;
    }
  }
  out.push({ text: value.slice(start), sep: '' });
  return out;
}

function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      out += c;
      if (c === '\\' && i + 1 < s.length) out += s[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '(') depth++;
    else {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\x80-\uffff]+$/;

function localpartOf(text: string): string | null {
  const t = text.trim();
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  const atoms = t.split('.').map((a) => a.trim());
  return atoms.every((a) => ATOM.test(a)) ? atoms.join('.') : null;
}

function mailbox(text: string): MailAddress | null {
  const bare = stripComments(text).trim();
  const lt = bare.lastIndexOf('<');
  let spec = bare;
  if (lt >= 0) {
    const gt = bare.indexOf('>', lt);
    if (gt < 0) return null;
    spec = bare.slice(lt + 1, gt).replace(/^\s*(@[^:]*:)/, '');
  }
  const at = spec.lastIndexOf('@');
  if (at < 0) return null;
  const localpart = localpartOf(spec.slice(0, at));
  const domain = spec.slice(at + 1).trim();
  if (localpart === null || localpart === '' || domain === '' || !/^[^\s<>@,;:"()\\]+$/.test(domain)) return null;
  return { localpart, domain };
}

/** The items an `address` test compares for one header value. */
export function addressItems(value: string): AddressItem[] {
  if (value === '') return [{ kind: 'unparsed', text: value }];
  const found: AddressItem[] = [];
  for (const entry of splitTop(value, ',')) {
    // A group, `name: a@x, b@y;`, lists its mailboxes after the colon.
    const group = splitTop(entry.text, ':');
    const text = group.length > 1 ? group.slice(1).map((g) => g.text).join(':') : entry.text;
    const m = mailbox(text.replace(/;\s*$/, ''));
    if (m) found.push({ kind: 'address', address: m });
    if (found.length >= 256) break;
  }
  return found.length > 0 ? found : [{ kind: 'unparsed', text: value }];
}

/** An SMTP path (`-f`/`-r` of sieve-test, the LDA's envelope) as an address. */
export function envelopeAddress(path: string): AddressItem {
  const bare = path.trim().replace(/^<(.*)>$/, '$1');
  const m = mailbox(bare);
  return m ? { kind: 'address', address: m } : { kind: 'unparsed', text: bare };
}

/** The address as `:all` sees it. */
export function addressText(a: MailAddress): string {
  return `${/^[^\s"(),:;<>@[\\\]]+$/.test(a.localpart) ? a.localpart : `"${a.localpart.replace(/(["\\])/g, '\\$1')}"`}@${a.domain}`;
}
