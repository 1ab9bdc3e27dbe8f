// Where a user's files live in a Dovecot-style mail home tree, from the
// config template (`/srv/mail/%u`), through the shared user-directory rule;
// every path the layout names must stay inside that home.
import { resolve } from 'node:path';
import { userDirectory, isInside, UserTemplateError } from '../services/user-directory.js';
import { InvalidUsernameError, isValidUsername } from '../services/username.js';
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

/** Refuses a name the one username rule refuses, as a permanent deploy failure. */
export function checkUsername(username: string): void {
  if (!isValidUsername(username)) throw new DeployError(new InvalidUsernameError(username).message, 'invalid_user', false);
}

function homeOf(template: string, username: string): string {
  try {
    return userDirectory(template, username, 'deploy.directory.home');
  } catch (err) {
    if (err instanceof InvalidUsernameError) throw new DeployError(err.message, 'invalid_user', false);
    if (err instanceof UserTemplateError) throw new DeployError(err.message, 'io', false);
    throw err;
  }
}

export function userPaths(layout: MailHomeLayout, username: string): UserPaths {
  const home = homeOf(layout.home, username);
  const under = (p: string, what: string) => {
    const full = resolve(home, p);
    if (!isInside(home, full)) throw new DeployError(`${what} must stay inside the mail home`, 'io', false);
    return full;
  };
  return {
    home,
    sieveDir: under(layout.sieveDir, 'deploy.directory.sieveDir'),
    activeLink: under(layout.activeLink, 'deploy.directory.activeLink'),
    prefs: under(layout.prefsPath, 'deploy.directory.prefsPath'),
  };
}

