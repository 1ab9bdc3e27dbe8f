// A user's directory from a configured template such as `/srv/mail/%u`
// (deploy mail homes, sa-learn Bayes homes). The name must pass the one
// username rule, and the result must stay under the template's fixed prefix,
// so no username can point a write elsewhere.
import { isAbsolute, relative, resolve } from 'node:path';
import { assertUsername, InvalidUsernameError } from './username.js';

export class UserTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserTemplateError';
  }
}

/** True when `child` lies strictly below `parent`. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Throws InvalidUsernameError for a refused name, UserTemplateError for a template without %u. */
export function userDirectory(template: string, username: string, setting: string): string {
  assertUsername(username);
  if (!template.includes('%u')) throw new UserTemplateError(`${setting} must contain %u`);
  const dir = resolve(template.replaceAll('%u', username));
  const fixedPrefix = resolve(template.slice(0, template.indexOf('%u')) || '.');
  // The rule already keeps names out of `..`; this guards templates like `/srv/%u/../x`.
  if (dir !== fixedPrefix && !isInside(fixedPrefix, dir)) throw new InvalidUsernameError(username);
  return dir;
}
