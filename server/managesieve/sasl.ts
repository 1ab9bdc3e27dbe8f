// SASL client responses for the two mechanisms ManageSieve servers offer
// for password logins. Pure functions; the client does the exchange.

/**
 * PLAIN (RFC 4616): `authzid NUL authcid NUL password`, base64. With an
 * authzid a Dovecot master user (authcid) acts for that user.
 */
export function plainInitialResponse(authcid: string, password: string, authzid = ''): string {
  for (const [name, v] of [['username', authcid], ['password', password], ['authorization identity', authzid]] as const) {
    if (v.includes('\0')) throw new RangeError(`the ${name} must not contain NUL`);
  }
  return Buffer.from(`${authzid}\0${authcid}\0${password}`, 'utf8').toString('base64');
}

/** LOGIN answers the server's two prompts (username, then password), each base64. */
export function loginResponse(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}
