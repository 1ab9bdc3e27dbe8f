// ManageSieve client (RFC 5804). Commands are written as soon as they are
// called and answered in order, so independent commands can be pipelined
// (every client literal is `{N+}`, which never waits for the server).
// Every command has a time limit; a timeout or a dropped connection fails
// every outstanding command with a ManageSieveError and closes the client.
import { masterLoginName } from '../mail/master-login.js';
import { parseCapabilities, type Capabilities } from './capabilities.js';
import { encodeCommand, encodeString, type Argument } from './encoder.js';
import { ManageSieveError } from './errors.js';
import { ResponseParser, lineStrings, type DataLine, type FinalResponse, type ResponseItem } from './response.js';
import { loginResponse, plainInitialResponse } from './sasl.js';
import { Transport, type TlsOptions } from './transport.js';

export type TlsMode = 'none' | 'starttls' | 'implicit';

export interface ConnectOptions extends TlsOptions {
  host: string;
  port: number;
  /** `starttls` upgrades after the greeting and fails if the server does not offer it. */
  tls?: TlsMode;
  /** Limit for connecting and for each command. */
  timeoutMs?: number;
}

export interface Reply {
  lines: DataLine[];
  final: FinalResponse;
}

export interface ScriptInfo {
  name: string;
  active: boolean;
}

export interface AuthOptions {
  /** Force a mechanism; by default PLAIN when offered, else LOGIN. */
  mechanism?: 'PLAIN' | 'LOGIN';
  /** LOGIN cannot carry an authzid; with a separator it logs in as `authzid SEP user` (Dovecot master users). */
  masterSeparator?: string;
}

interface Pending {
  verb: string;
  lines: DataLine[];
  timer: NodeJS.Timeout;
  resolve(reply: Reply): void;
  reject(error: ManageSieveError): void;
  /** Answers a server continuation line (SASL challenge). */
  onLine?(line: DataLine): void;
}

export class ManageSieveClient {
  capabilities: Capabilities = parseCapabilities([]);
  private transport!: Transport;
  private readonly parser = new ResponseParser();
  private readonly pending: Pending[] = [];
  private endError: ManageSieveError | null = null;

  private constructor(
    private readonly opts: ConnectOptions,
    readonly timeoutMs: number,
  ) {}

  static async connect(opts: ConnectOptions): Promise<ManageSieveClient> {
    const mode = opts.tls ?? 'starttls';
    const client = new ManageSieveClient(opts, opts.timeoutMs ?? 15_000);
    client.transport = await Transport.open(
      { host: opts.host, port: opts.port, implicitTls: mode === 'implicit', tls: opts, timeoutMs: client.timeoutMs },
      { data: (chunk) => client.onData(chunk), end: (error) => client.onEnd(error) },
    );
    try {
      client.capabilities = parseCapabilities((await client.expect('greeting')).lines);
      if (mode === 'starttls') await client.startTls();
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  get closed(): boolean {
    return this.endError !== null;
  }

  /** Sends one command; resolves with its data lines and OK, rejects on NO/BYE. */
  command(verb: string, args: readonly Argument[] = [], onLine?: (line: DataLine) => void): Promise<Reply> {
    const reply = this.expect(verb, onLine);
    if (!this.endError) this.transport.write(encodeCommand(verb, args));
    return reply;
  }

  async capability(): Promise<Capabilities> {
    this.capabilities = parseCapabilities((await this.command('CAPABILITY')).lines);
    return this.capabilities;
  }

  /**
   * Logs in as `user`; with `authzid` the login acts for that user (a Dovecot
   * master user `user` acting for `authzid`).
   */
  async authenticate(user: string, password: string, authzid?: string, opts: AuthOptions = {}): Promise<void> {
    const offered = this.capabilities.sasl;
    const mechanism = opts.mechanism ?? (offered.includes('PLAIN') || !offered.includes('LOGIN') ? 'PLAIN' : 'LOGIN');
    if (mechanism === 'PLAIN') {
      const initial = plainInitialResponse(user, password, authzid ?? '');
      // A server that ignores the initial response sends an empty challenge; answer it once.
      await this.command('AUTHENTICATE', ['PLAIN', initial], () => this.continueSasl(initial));
      return;
    }
    const loginName = authzid ? masterLoginName(user, opts.masterSeparator, authzid) : user;
    if (loginName === null) {
      throw new ManageSieveError('SASL LOGIN cannot act for another user without a master separator', { kind: 'protocol', command: 'AUTHENTICATE' });
    }
    const answers = [loginResponse(loginName), loginResponse(password)];
    await this.command('AUTHENTICATE', ['LOGIN'], () => this.continueSasl(answers.shift() ?? ''));
  }

  async listScripts(): Promise<ScriptInfo[]> {
    const { lines } = await this.command('LISTSCRIPTS');
    return lines.map((line) => {
      const [name = '', flag] = lineStrings(line);
      return { name, active: flag?.toUpperCase() === 'ACTIVE' };
    });
  }

  async getScript(name: string): Promise<string> {
    const { lines } = await this.command('GETSCRIPT', [name]);
    const body = lines[0] ? lineStrings(lines[0])[0] : undefined;
    if (body === undefined) throw new ManageSieveError('GETSCRIPT answered OK without a script', { kind: 'protocol', command: 'GETSCRIPT' });
    return body;
  }

  /** Stores a script; resolves with the server's warnings (`OK (WARNINGS)`), if any. */
  async putScript(name: string, content: string): Promise<string | null> {
    return warnings((await this.command('PUTSCRIPT', [name, { literal: content }])).final);
  }

  /** Validates a script without storing it; rejects with the server's error (and `line`). */
  async checkScript(content: string): Promise<string | null> {
    return warnings((await this.command('CHECKSCRIPT', [{ literal: content }])).final);
  }

  /** Makes `name` the active script; `''` deactivates every script. */
  async setActive(name: string): Promise<void> {
    await this.command('SETACTIVE', [name]);
  }

  async deleteScript(name: string): Promise<void> {
    await this.command('DELETESCRIPT', [name]);
  }

  async renameScript(from: string, to: string): Promise<void> {
    await this.command('RENAMESCRIPT', [from, to]);
  }

  /** Resolves when a script of `size` bytes would fit; rejects with `QUOTA...` otherwise. */
  async haveSpace(name: string, size: number): Promise<void> {
    await this.command('HAVESPACE', [name, size]);
  }

  /** NOOP; with a tag, resolves with the tag the server echoes (`OK (TAG "...")`). */
  async noop(tag?: string): Promise<string | null> {
    const { final } = await this.command('NOOP', tag === undefined ? [] : [tag]);
    return final.code === 'TAG' ? (final.codeArgs[0] ?? null) : null;
  }

  /** Says goodbye and closes; never throws (the session is over either way). */
  async logout(): Promise<void> {
    if (this.endError) return;
    try {
      await this.command('LOGOUT');
    } catch {
      // A server may close before or instead of answering LOGOUT.
    } finally {
      this.close();
    }
  }

  close(): void {
    if (!this.endError) this.transport.destroy();
  }

  private async startTls(): Promise<void> {
    if (!this.capabilities.starttls) {
      throw new ManageSieveError('the server does not offer STARTTLS', { kind: 'tls', command: 'STARTTLS' });
    }
    await this.command('STARTTLS');
    await this.transport.upgrade(this.opts.host, this.opts, this.timeoutMs);
    // RFC 5804 2.2: after TLS the server re-sends its capabilities, which may differ.
    this.capabilities = parseCapabilities((await this.expect('STARTTLS capabilities')).lines);
  }

  private continueSasl(answer: string): void {
    this.transport.write(`${encodeString(answer)}\r\n`);
  }

  private expect(verb: string, onLine?: (line: DataLine) => void): Promise<Reply> {
    if (this.endError) return Promise.reject(this.endError);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.transport.destroy(new ManageSieveError(`${verb} timed out after ${this.timeoutMs} ms`, { kind: 'timeout', command: verb }));
      }, this.timeoutMs);
      const entry: Pending = { verb, lines: [], timer, resolve, reject };
      if (onLine) entry.onLine = onLine;
      this.pending.push(entry);
    });
  }

  private onData(chunk: Buffer): void {
    let items: ResponseItem[];
    try {
      items = this.parser.push(chunk);
    } catch (e) {
      this.transport.destroy(e as ManageSieveError);
      return;
    }
    for (const item of items) this.dispatch(item);
  }

  private dispatch(item: ResponseItem): void {
    const head = this.pending[0];
    if (!head) {
      if (item.type === 'final' && item.status === 'BYE') return; // server closing; onEnd follows
      this.transport.destroy(new ManageSieveError('ManageSieve protocol error: unsolicited response', { kind: 'protocol' }));
      return;
    }
    if (item.type === 'line') {
      if (head.onLine) head.onLine(item);
      else head.lines.push(item);
      return;
    }
    this.pending.shift();
    clearTimeout(head.timer);
    if (item.status === 'OK') {
      head.resolve({ lines: head.lines, final: item });
      return;
    }
    head.reject(responseError(head.verb, item));
  }

  private onEnd(error: ManageSieveError): void {
    this.endError = error;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(withCommand(error, p.verb));
    }
  }
}

function warnings(final: FinalResponse): string | null {
  return final.code === 'WARNINGS' ? final.text : null;
}

function responseError(verb: string, final: FinalResponse): ManageSieveError {
  const code = final.code ? ` (${final.code})` : '';
  const text = final.text ? `: ${final.text.trim()}` : '';
  return new ManageSieveError(`${verb} failed${code}${text}`, {
    kind: 'response',
    status: final.status === 'BYE' ? 'BYE' : 'NO',
    responseCode: final.code,
    responseCodeArgs: final.codeArgs,
    serverText: final.text,
    command: verb,
  });
}

function withCommand(error: ManageSieveError, verb: string): ManageSieveError {
  return new ManageSieveError(`${verb}: ${error.message}`, {
    kind: error.kind,
    serverText: error.serverText,
    responseCode: error.responseCode,
    command: verb,
    cause: error,
  });
}
