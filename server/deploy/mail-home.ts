// Where a user's files live in a Dovecot-style mail home tree, from the
// config template (`/srv/mail/%u`). Usernames are checked before they reach
// a path, and the result must stay under the template's fixed prefix, so no
// username can point a write elsewhere.
import { isAbsolute, relative, resolve } from 'node:path';
import { DeployError } from './outcome.js';

export interface MailHomeLayout {
  /** Home directory template; `%u` is the username. */
  home: string;
  /** Script directory, relative to the home. */
  sieveDir: string;
  /** Active-script symlink, relative to the home. */
  activeLink: string;
  /** user_prefs, relative to the home. */
  prefsPath: string;
}

export interface UserPaths {
  home: string;
  sieveDir: string;
  activeLink: string;
  prefs: string;
}

const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9._@+=-]{0,127}$/;

export function checkUsername(username: string): void {
  if (!USERNAME.test(username) || username.includes('..')) {
    throw new DeployError(`invalid username for a mail home: ${JSON.stringify(username)}`, 'invalid-user', false);
  }
}

/** Whether `child` lies strictly below `parent` (both resolved, no links followed). */
export function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export function userPaths(layout: MailHomeLayout, username: string): UserPaths {
  checkUsername(username);
  if (!layout.home.includes('%u')) throw new DeployError('deploy.directory.home must contain %u', 'io', false);
  const home = resolve(layout.home.replaceAll('%u', username));
  const fixedPrefix = resolve(layout.home.slice(0, layout.home.indexOf('%u')) || '.');
  if (home !== fixedPrefix && !inside(fixedPrefix, home)) {
    throw new DeployError(`mail home of ${username} escapes ${fixedPrefix}`, 'invalid-user', false);
  }
  const under = (p: string, what: string) => {
    const full = resolve(home, p);
    if (!inside(home, full)) throw new DeployError(`${what} must stay inside the mail home`, 'io', false);
    return full;
  };
  return {
    home,
    sieveDir: under(layout.sieveDir, 'deploy.directory.sieveDir'),
    activeLink: under(layout.activeLink, 'deploy.directory.activeLink'),
    prefs: under(layout.prefsPath, 'deploy.directory.prefsPath'),
  };
}

