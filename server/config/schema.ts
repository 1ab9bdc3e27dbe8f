// The one configuration shape, as a TypeBox schema (the single source of the
// type and of validation). Every key has a default that makes the embedded
// mode work with no config at all: SQLite under ./data, the directory deploy
// target under ./data/mail, a demo user, listening on 127.0.0.1.
import { Type, type Static } from '@sinclair/typebox';
import { HEADER_NAME } from '../../grammar/validate.js';

const TlsMode = Type.Union([Type.Literal('none'), Type.Literal('starttls'), Type.Literal('implicit')], {
  default: 'starttls',
});

const Endpoint = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    tls: TlsMode,
    /** PEM file of a private CA to trust in addition to the system store. */
    caFile: Type.Optional(Type.String()),
    /** Only for tests and lab setups; certificate checking is on by default. */
    insecureSkipVerify: Type.Boolean({ default: false }),
    timeoutMs: Type.Integer({ minimum: 100, default: 15000 }),
  },
  { additionalProperties: false },
);

const Credential = Type.Object(
  {
    username: Type.String({ minLength: 1 }),
    /** Read at start; the password itself never sits in the config file. */
    passwordFile: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        trustProxy: Type.Boolean({ default: false }),
        /** Directory for the database, sessions secret and the embedded mail tree. */
        dataDir: Type.String({ default: './data' }),
        /** Usernames with the admin role. */
        admins: Type.Array(Type.String(), { default: ['admin'] }),
        sessionIdleMinutes: Type.Integer({ minimum: 1, default: 60 }),
        sessionMaxHours: Type.Integer({ minimum: 1, default: 12 }),
        /** Create the demo user (and demo admin) in embedded mode. */
        demo: Type.Boolean({ default: true }),
        /** Serve HTTPS directly; otherwise put a TLS proxy in front and set trustProxy. */
        tls: Type.Optional(
          Type.Object(
            { certFile: Type.String({ minLength: 1 }), keyFile: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
        ),
        /** The built web UI; served when the directory exists. */
        webRoot: Type.String({ default: 'web/dist' }),
        /** Client addresses (IPs or CIDRs) shown /readyz details without logging in as an admin. */
        readinessDetailsFrom: Type.Array(Type.String(), { default: [] }),
        /** How long a /readyz result is reused, so probes cannot make a mail-server login each. */
        readinessCacheSeconds: Type.Integer({ minimum: 0, default: 5 }),
        loginLimit: Type.Object(
          {
            /** Login attempts per client IP per window. */
            perIp: Type.Integer({ minimum: 1, default: 20 }),
            /** Failed logins per username and client address per window. */
            perUserFailures: Type.Integer({ minimum: 1, default: 5 }),
            windowMinutes: Type.Integer({ minimum: 1, default: 15 }),
            /** Once a username has perUserFailures failures from all addresses, each attempt waits this long, doubling per failure. */
            delayMs: Type.Integer({ minimum: 0, default: 500 }),
            maxDelayMs: Type.Integer({ minimum: 0, default: 8000 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    /** What one user's rules may cost the server: size, save rate, history kept. */
    rules: Type.Object(
      {
        /** Largest rule set accepted, in bytes of its JSON. */
        maxBytes: Type.Integer({ minimum: 1024, default: 2 * 1024 * 1024 }),
        /** Saves (and restores) per user per minute. */
        savesPerMinute: Type.Integer({ minimum: 1, default: 30 }),
        history: Type.Object(
          {
            /** The newest versions always kept. */
            keepLast: Type.Integer({ minimum: 1, default: 200 }),
            /** Beyond those, each day's last version is kept for this many days. */
            keepDailyDays: Type.Integer({ minimum: 0, default: 90 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    mail: Type.Object(
      {
        /** When set, logins are checked against this IMAP server. */
        imap: Type.Optional(Endpoint),
        managesieve: Type.Optional(Endpoint),
        /** Dovecot master user used for background work (deploy, learning). */
        masterUser: Type.Optional(Credential),
        /** Separator for master logins such as `alice*backend`. */
        masterSeparator: Type.String({ default: '*' }),
        /** User /readyz logs in as. */
        canaryUser: Type.Optional(Credential),
      },
      { additionalProperties: false, default: {} },
    ),
    deploy: Type.Object(
      {
        target: Type.Union([Type.Literal('directory'), Type.Literal('managesieve')], { default: 'directory' }),
        /** Name of the script sievewright owns on the server. */
        scriptName: Type.String({ default: 'sievewright', pattern: '^[A-Za-z0-9._-]{1,64}$' }),
        /** Replace another active script on first deploy (otherwise reported and left alone). */
        takeOver: Type.Boolean({ default: false }),
        concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
        maxAttempts: Type.Integer({ minimum: 1, default: 12 }),
        /** SIEVE capability list of the target server, when not read over ManageSieve. */
        capabilities: Type.Optional(Type.Array(Type.String())),
        saVersion: Type.Union([Type.Literal(3), Type.Literal(4)], { default: 4 }),
        /** The server's sieve_max_script_size in bytes (Pigeonhole's default 1 MiB); 0 for no limit. */
        maxScriptSize: Type.Integer({ minimum: 0, default: 1024 * 1024 }),
        /**
         * The header the site's SpamAssassin writes its verdict to, read by the
         * built-in spam filter and "spam score" conditions. It must have the
         * X-Spam-Status format (`Yes|No, score=N.N ...`, one decimal).
         */
        spamHeader: Type.String({ default: 'X-Spam-Status', pattern: HEADER_NAME.source }),
        /**
         * The global scripts of the admin's locked rules, for Dovecot's
         * sieve_before / sieve_after; default <server.dataDir>/sieve-global/before.sieve and after.sieve.
         */
        globalScripts: Type.Object(
          { before: Type.Optional(Type.String({ minLength: 1 })), after: Type.Optional(Type.String({ minLength: 1 })) },
          { additionalProperties: false, default: {} },
        ),
        directory: Type.Object(
          {
            /** Root of the mail home tree; %u is the username. */
            home: Type.String({ default: './data/mail/%u' }),
            sieveDir: Type.String({ default: 'sieve' }),
            activeLink: Type.String({ default: '.dovecot.sieve' }),
            prefsPath: Type.String({ default: '.spamassassin/user_prefs' }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** The directory target compiles each script with the mail server's own compiler before it goes live. */
        verify: Type.Object(
          {
            /** Pigeonhole's sievec (name on PATH or path); "" when there is none: scripts are then written unverified. */
            sievec: Type.String({ default: 'sievec' }),
            /** Dovecot config for `sievec -c`: the one delivery uses, so the same extensions count. */
            config: Type.Optional(Type.String({ minLength: 1 })),
            timeoutMs: Type.Integer({ minimum: 100, default: 30000 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    learning: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        /** spamd: the TELL request `spamc -L` sends, spoken directly to spamd (started with --allow-tell). */
        via: Type.Union([Type.Literal('spamd'), Type.Literal('sa-learn')], { default: 'spamd' }),
        spamd: Type.Object(
          {
            host: Type.String({ default: '127.0.0.1' }),
            port: Type.Integer({ minimum: 1, maximum: 65535, default: 783 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** sa-learn only: Bayes home per user; %u is the username. */
        saLearnHome: Type.String({ default: './data/sa/%u' }),
        junkFolder: Type.String({ default: 'Junk' }),
        trashFolder: Type.String({ default: 'Trash' }),
        intervalSeconds: Type.Integer({ minimum: 1, default: 60 }),
        concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
        runTimeoutSeconds: Type.Integer({ minimum: 1, default: 300 }),
        /**
         * What `serve` learns from when enabled: 'polling' reads every user's
         * Junk each interval; 'imapsieve' only the moves Dovecot's IMAPSieve
         * spooled (sievewright dovecot-config learning), like `learn --events`.
         */
        source: Type.Union([Type.Literal('polling'), Type.Literal('imapsieve')], { default: 'polling' }),
        /** Where the IMAPSieve pipe helper spools moves for `learn --events` (sievewright dovecot-config learning --spool). */
        spoolDir: Type.String({ default: './data/learning-spool' }),
        /** IMAP IDLE sessions `learn --idle` holds at once: far below Dovecot's imap-login and imap process limits. */
        idleSessions: Type.Integer({ minimum: 1, maximum: 500, default: 20 }),
        /** Learning run records kept: none older than maxAgeDays, at most keepPerUser per user (the latest always stays). */
        runRetention: Type.Object(
          {
            maxAgeDays: Type.Integer({ minimum: 0, default: 14 }),
            keepPerUser: Type.Integer({ minimum: 1, default: 20 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type EndpointConfig = Static<typeof Endpoint>;
export type CredentialConfig = Static<typeof Credential>;
