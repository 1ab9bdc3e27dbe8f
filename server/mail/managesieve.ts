// ManageSieve sessions as the server opens them: the endpoint's TLS options
// and time limit, and the master user acting for a user.
import { ManageSieveClient, type ConnectOptions } from '../managesieve/client.js';
import { timeoutOf, tlsOptions, type Endpoint } from './endpoint.js';
import type { MasterLogin } from './master-login.js';

export function manageSieveOptions(ep: Endpoint): ConnectOptions {
  return { host: ep.host, port: ep.port, tls: ep.tls, timeoutMs: timeoutOf(ep), ...tlsOptions(ep) };
}

export function connectManageSieve(ep: Endpoint): Promise<ManageSieveClient> {
  return ManageSieveClient.connect(manageSieveOptions(ep));
}

/** PLAIN where offered: it carries the authzid in one line, so later commands may be pipelined behind it. */
export function masterMechanism(client: ManageSieveClient): 'PLAIN' | 'LOGIN' {
  return client.capabilities.sasl.includes('PLAIN') ? 'PLAIN' : 'LOGIN';
}

export function authenticateMaster(client: ManageSieveClient, master: MasterLogin, user: string): Promise<void> {
  return client.authenticate(master.username, master.password, user, { mechanism: masterMechanism(client), masterSeparator: master.separator });
}
