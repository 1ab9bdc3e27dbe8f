// The demo user's example mail for the embedded default: a dozen varied
// messages (a mailing list the example rule files, a newsletter, an invoice
// from the whitelisted partner, a DMARC failure, spam scored by
// SpamAssassin, personal mail), so "try rules on my recent mail" has
// something to show on first start.
import { hostname } from 'node:os';
import { deliverToMaildir } from './maildir.js';

interface Example {
  from: string;
  subject: string;
  extra?: string[];
  body: string;
}

const EXAMPLES: Example[] = [
  { from: 'Ana Lima <ana@dev.lists.example.org>', subject: '[dev] Release 2.4 branch is open', extra: ['List-Id: Developers <dev.lists.example.org>'], body: 'Please target fixes at the new branch.' },
  { from: 'Build bot <ci@dev.lists.example.org>', subject: '[dev] Nightly build failed', extra: ['List-Id: Developers <dev.lists.example.org>'], body: 'Test suite: 3 failures.' },
  { from: 'Tom Berg <tom@dev.lists.example.org>', subject: 'Re: [dev] Release 2.4 branch is open', extra: ['List-Id: Developers <dev.lists.example.org>', 'In-Reply-To: <r24@dev.lists.example.org>'], body: 'Agreed, I will rebase.' },
  { from: 'Shop News <news@shop.example>', subject: 'Winter sale: 30% off', extra: ['List-Id: Shop news <news.shop.example>', 'List-Unsubscribe: <mailto:unsub@shop.example>', 'Precedence: bulk'], body: 'Only this week.' },
  { from: 'Partner Billing <billing@partner.example>', subject: 'Invoice 2026-117', body: 'Your invoice is attached.' },
  { from: 'Mum <mum@family.example>', subject: 'Sunday lunch', body: 'Are you coming on Sunday?' },
  { from: 'IT Desk <helpdesk@corp.example>', subject: 'Password expiry reminder', body: 'Your password expires in 7 days.' },
  // Stamped by this host, whose results the example admin defaults trust: their DMARC rule files it into Junk.
  { from: 'Bank <alerts@bank.example>', subject: 'Security notice', extra: [`Authentication-Results: ${hostname()}; dmarc=fail header.from=bank.example`], body: 'Please confirm your account.' },
  { from: 'Prize Desk <winner@lottery.example>', subject: 'You have won!!!', extra: ['X-Spam-Status: Yes, score=9.8 required=5.0 tests=LOTS_OF_MONEY autolearn=no'], body: 'Claim your prize now.' },
  { from: 'Calendar <calendar@corp.example>', subject: 'Invitation: Team meeting Thursday 10:00', body: 'You have been invited.' },
  { from: 'Parcel Service <track@parcel.example>', subject: 'Your parcel is on its way', body: 'Tracking number 0042.' },
  { from: 'Lea Park <lea@friends.example>', subject: 'Photos from the trip', body: 'Here are the photos.' },
];

function messageText(e: Example, n: number, date: Date): string {
  return [
    `From: ${e.from}`,
    'To: Demo User <demo@example.test>',
    `Subject: ${e.subject}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <demo-${n}@sievewright.example>`,
    ...(e.extra ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    e.body,
    '',
  ].join('\r\n');
}

/** Writes the examples into the Maildir's INBOX, one hour apart, the newest now. */
export async function seedDemoMail(maildir: string, now = new Date()): Promise<void> {
  for (const [i, e] of EXAMPLES.entries()) {
    const date = new Date(now.getTime() - (EXAMPLES.length - i) * 3_600_000);
    await deliverToMaildir(maildir, 'INBOX', `${Math.floor(date.getTime() / 1000)}.demo${i + 1}.sievewright`, messageText(e, i + 1, date), date);
  }
}
