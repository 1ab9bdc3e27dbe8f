// Who may log in. With an IMAP server configured, the user's mail password is
// checked there and never stored; otherwise (embedded mode) against the local
// scrypt hash.
import type { Config } from '../config/schema.js';
import { checkImapLogin } from '../mail/imap-login.js';
import type { UsersRepository } from '../store/users-repository.js';
import { hashPassword, verifyPassword } from './passwords.js';

export interface Authenticator {
  readonly mode: 'imap' | 'local';
  /** True when the credentials are right; throws MailServerUnavailableError when the check cannot be made. */
  verify(username: string, password: string): Promise<boolean>;
}

export function createAuthenticator(config: Config, users: UsersRepository): Authenticator {
  const imap = config.mail.imap;
  if (imap) {
    return {
      mode: 'imap',
      async verify(username, password) {
        const ok = await checkImapLogin(imap, username, password);
        if (ok) users.ensure(username);
        return ok;
      },
    };
  }
  // Unknown users cost the same scrypt run as known ones, so timing does not
  // reveal which names exist. Made on first need: scrypt's 32 MiB is not
  // worth holding for a server that never sees an unknown name.
  let dummy: Promise<string> | undefined;
  return {
    mode: 'local',
    async verify(username, password) {
      const hash = users.get(username)?.passwordHash;
      if (!hash) {
        dummy ??= hashPassword('not a real password');
        await verifyPassword(password, await dummy);
        return false;
      }
      return verifyPassword(password, hash);
    },
  };
}
