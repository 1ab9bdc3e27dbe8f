// Dovecot master users: background work (deploys, learning, folder lists,
// the first-login script offer) logs in as the master user acting for a
// user. SASL PLAIN says so with an authorization identity; a bare login name
// (IMAP LOGIN, SASL LOGIN) says it as `user SEP master`. An empty separator
// means Dovecot has none configured, so only PLAIN can act for a user.
import type { ImapFlowOptions } from 'imapflow';
import { readSecret } from '../config/load.js';
import type { Config } from '../config/schema.js';

export interface MasterLogin {
  username: string;
  password: string;
  /** Dovecot's auth_master_user_separator; absent or empty when it has none. */
  separator?: string;
}

/** The configured master user with its password read; null when none is configured. */
export function masterFromConfig(mail: Config['mail']): MasterLogin | null {
  const { masterUser, masterSeparator } = mail;
  if (!masterUser) return null;
  let password: string;
  try {
    password = readSecret(masterUser.passwordFile);
  } catch (err) {
    throw new Error(`cannot read mail.masterUser.passwordFile ${masterUser.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return { username: masterUser.username, password, separator: masterSeparator };
}

/** `user SEP master`; null without a separator. */
export function masterLoginName(master: string, separator: string | undefined, user: string): string | null {
  return separator ? `${user}${separator}${master}` : null;
}

export function imapMasterAuth(master: MasterLogin, user: string): ImapFlowOptions['auth'] {
  const name = masterLoginName(master.username, master.separator, user);
  return name === null ? { user: master.username, pass: master.password, authzid: user, loginMethod: 'AUTH=PLAIN' } : { user: name, pass: master.password };
}
