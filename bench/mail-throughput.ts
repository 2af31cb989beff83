import os from 'node:os';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createMailTransport, POOL_OPTIONS } from '../infra/smtp-out/mail-transport.js';
import { composeMeetingMail } from '../documents/mail/meeting-mail.js';

// `npm run bench:mail`: mails per second from Concerto's relay transport (infra/smtp-out/mail-transport.ts,
// what SMTP_URL gets) against raw nodemailer, to the same SMTP server on loopback that reads and
// drops each message, the settings alternated round by round in one run. Each mail is a meeting
// convocation with its invitation (text, HTML, text/calendar, .ics), `CONCURRENCY` sends in flight.

const MAILS = Number(process.env.BENCH_MAILS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = 20;

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Concerto//Bench//FR',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:meeting-bench@concerto',
  'SEQUENCE:0',
  'DTSTAMP:20240601T080000Z',
  'DTSTART:20240618T120000Z',
  'DTEND:20240618T150000Z',
  'SUMMARY:COTECH de juin',
  'ORGANIZER:mailto:secretariat@concerto.test',
  'ATTENDEE;RSVP=TRUE:mailto:membre@example.org',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const composed = composeMeetingMail({
  kind: 'convocation',
  meeting: {
    title: 'COTECH de juin',
    instanceName: 'Comité technique (COTECH)',
    zone: 'Europe/Paris',
    sequence: 0,
    startsAt: new Date('2024-06-18T12:00:00Z'),
    endsAt: new Date('2024-06-18T15:00:00Z'),
    location: 'Salle du conseil, Melle',
  },
  recipient: { name: 'Membre du COTECH', email: 'membre@example.org' },
  agenda: Array.from({ length: 8 }, (_, i) => ({
    position: i + 1,
    title: `Fiche action FA-${i + 10} : avis du COTECH`,
  })),
  rsvpLinks: {
    accept: 'https://concerto.example.org/r/a',
    tentative: 'https://concerto.example.org/r/t',
    decline: 'https://concerto.example.org/r/d',
  },
  ics: { method: 'REQUEST', content: ICS },
});

function mail(i: number): SendMailOptions {
  return {
    from: 'Concerto <concerto@concerto.test>',
    to: `membre-${i}@example.org`,
    subject: composed.subject,
    text: composed.text,
    html: composed.html,
    icalEvent: composed.icalEvent!,
  };
}

const poolOptions = { ...POOL_OPTIONS };
const poolWithoutRate = {
  pool: true,
  maxConnections: POOL_OPTIONS.maxConnections,
  maxMessages: POOL_OPTIONS.maxMessages,
} as const;

interface Setting {
  name: string;
  transport: (port: number) => Transporter;
}

const SETTINGS: Setting[] = [
  {
    name: 'Concerto transport (SMTP_URL as is)',
    transport: (port) => createMailTransport({ kind: 'smtp', url: `smtp://127.0.0.1:${port}` }),
  },
  {
    name: 'raw nodemailer, pool, same options',
    transport: (port) => nodemailer.createTransport({ host: '127.0.0.1', port, ...poolOptions }),
  },
  {
    name: 'Concerto transport, SMTP_URL ?rateLimit=0',
    transport: (port) => createMailTransport({ kind: 'smtp', url: `smtp://127.0.0.1:${port}?rateLimit=0` }),
  },
  {
    name: 'raw nodemailer, pool, no rate limit',
    transport: (port) => nodemailer.createTransport({ host: '127.0.0.1', port, ...poolWithoutRate }),
  },
  {
    name: 'raw nodemailer, a connection per mail',
    transport: (port) => nodemailer.createTransport({ host: '127.0.0.1', port }),
  },
];

let received = 0;
const server = new SMTPServer({
  // Loopback, no TLS and no login for anyone: the same path for every setting.
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  closeTimeout: 1000,
  size: 25 * 1024 * 1024,
  onData: (stream, _session, callback) => {
    stream.on('data', () => {});
    stream.on('end', () => {
      received += 1;
      callback();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
const address = server.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

async function runOnce(setting: Setting): Promise<number> {
  const transport = setting.transport(port);
  const before = received;
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < MAILS) await transport.sendMail(mail(next++));
      }),
    );
  } finally {
    transport.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (received - before !== MAILS)
    throw new Error(`${setting.name}: the server received ${received - before} of ${MAILS} mails`);
  return MAILS / seconds;
}

const size = (
  await new Promise<Buffer>((resolve, reject) => {
    nodemailer
      .createTransport({ streamTransport: true, buffer: true })
      .sendMail(mail(0), (err, info) => (err ? reject(err) : resolve(info.message as Buffer)));
  })
).length;

const results = new Map<string, number[]>(SETTINGS.map((s) => [s.name, []]));
for (let round = 1; round <= ROUNDS; round += 1) {
  for (const setting of SETTINGS) {
    const rate = await runOnce(setting);
    results.get(setting.name)!.push(rate);
    console.log(`round ${round}: ${setting.name}: ${rate.toFixed(1)} mails/s`);
  }
}
await new Promise<void>((resolve) => server.close(() => resolve()));

console.log(
  `\n${MAILS} convocations of ${(size / 1024).toFixed(1)} KiB each, ` +
    `${CONCURRENCY} sends in flight, ${ROUNDS} rounds, ${os.cpus().length} cores;`,
);
console.log(
  `pool: ${POOL_OPTIONS.maxConnections} connections, ${POOL_OPTIONS.maxMessages} ` +
    `messages each, rate limit ${POOL_OPTIONS.rateLimit} per ${POOL_OPTIONS.rateDelta} ms:`,
);
for (const [name, rates] of results) {
  console.log(
    `  ${name.padEnd(42)} best ${Math.max(...rates).toFixed(1)}  worst ${Math.min(...rates).toFixed(1)} mails/s`,
  );
}
