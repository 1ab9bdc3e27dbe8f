// The one rule for user names, shared by login, deploy paths, learning and
// the CLI: a name ends up in paths (`%u` in mail homes and Bayes homes), in
// IMAP master logins and in spamd headers, so every place must refuse the
// same names. No path separators, no leading dot, no `..` anywhere, no
// master-user separator (`*`), no whitespace or control characters.
// Pure: the login schema (also read by the web UI's types) uses the pattern.

/** As a JSON-schema pattern (ECMAScript syntax). */
export const USERNAME_PATTERN = '^(?!.*\\.\\.)[A-Za-z0-9_][A-Za-z0-9._@+=-]{0,127}$';

const USERNAME = new RegExp(USERNAME_PATTERN);

export function isValidUsername(name: string): boolean {
  return USERNAME.test(name);
}

export class InvalidUsernameError extends Error {
  constructor(readonly username: string) {
    super(`invalid user name ${JSON.stringify(username)}: letters, digits and . _ @ + = - only, starting with a letter, digit or _, no "..", at most 128 characters`);
    this.name = 'InvalidUsernameError';
  }
}

export function assertUsername(name: string): void {
  if (!isValidUsername(name)) throw new InvalidUsernameError(name);
}
