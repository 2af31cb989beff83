import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { SendMailOptions } from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher, type MailCatcherOptions } from '../../infra/smtp-in/mail-catcher.js';
import { startMailCatcherThread } from '../../infra/smtp-in/mail-catcher-thread.js';
import { createMailTransport } from '../../infra/smtp-out/mail-transport.js';
import { classifySmtpError } from '../../infra/smtp-out/smtp-errors.js';

const VCALENDAR = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Concerto//Test//FR',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:comite-2024-06-20@concerto.test',
  'DTSTAMP:20240601T080000Z',
  'DTSTART:20240620T120000Z',
  'DTEND:20240620T140000Z',
  'SUMMARY:Comité de pilotage CTG',
  'ORGANIZER:mailto:secretariat@concerto.test',
  'ATTENDEE;RSVP=TRUE:mailto:elu@example.org',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

let dir: string;
const catchers: MailCatcher[] = [];
let starter: (options: MailCatcherOptions) => Promise<MailCatcher> = startMailCatcher;

async function start(options: { dir?: string; port?: number } = {}): Promise<MailCatcher> {
  const catcher = await starter({ dir: options.dir ?? dir, port: options.port });
  catchers.push(catcher);
  return catcher;
}

async function send(catcher: MailCatcher, message: SendMailOptions) {
  const transport = createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port });
  try {
    return await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-mail-catcher-'));
});

afterEach(async () => {
  await Promise.all(catchers.splice(0).map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

// `npm start` runs the catcher on a thread of its own; the tests run it both ways.
describe.each([
  ['in the process', startMailCatcher],
  ['on its own thread', startMailCatcherThread],
])('mail catcher, %s', (_, startCatcher) => {
  beforeEach(() => {
    starter = startCatcher;
  });

  it('lists what it received, newest first, with envelope recipients and calendar detection', async () => {
    const catcher = await start();
    expect(catcher.url).toBe(`smtp://127.0.0.1:${catcher.port}`);

    const plain = await send(catcher, {
      from: '"Secrétariat CTG" <secretariat@concerto.test>',
      to: 'Elu@Example.org',
      subject: 'Ordre du jour — séance du 20 juin',
      text: 'Bonjour,',
    });
    const invitation = await send(catcher, {
      from: 'secretariat@concerto.test',
      to: ['elu@example.org', 'Agent@Example.org'],
      bcc: 'archive@concerto.test',
      subject: 'Convocation : comité de pilotage',
      text: 'Vous êtes convoqué.',
      icalEvent: { method: 'REQUEST', content: VCALENDAR },
    });

    const listed = await catcher.list();
    expect(listed).toHaveLength(2);
    const [newest, oldest] = listed;
    expect(newest).toMatchObject({
      messageId: invitation.messageId,
      from: 'secretariat@concerto.test',
      to: ['elu@example.org', 'agent@example.org', 'archive@concerto.test'],
      subject: 'Convocation : comité de pilotage',
      hasCalendar: true,
    });
    expect(oldest).toMatchObject({
      messageId: plain.messageId,
      from: '"Secrétariat CTG" <secretariat@concerto.test>',
      to: ['elu@example.org'],
      subject: 'Ordre du jour — séance du 20 juin',
      hasCalendar: false,
    });
    for (const message of listed) {
      expect(message.id).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{6}$/);
      expect(new Date(message.date).toISOString()).toBe(message.date);
      expect(message.size).toBeGreaterThan(0);
    }
    expect(await catcher.get(newest!.id)).toEqual(newest);
  });

  it('finds a calendar part by its own headers, however it is nested or folded', async () => {
    const catcher = await start();
    const envelope = { from: 'outlook@example.org', to: ['elu@example.org'] };
    const nested = [
      'From: outlook@example.org',
      'To: elu@example.org',
      'Subject: Invitation',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative;',
      '\tboundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Invitation',
      '--inner',
      'content-type:',
      ' TEXT/CALENDAR; method=REQUEST; charset=utf-8',
      '',
      VCALENDAR,
      '--inner--',
      '--outer--',
      '',
    ].join('\r\n');
    const mentionOnly = [
      'From: outlook@example.org',
      'To: elu@example.org',
      'Subject: Pas une invitation',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Content-Type: text/calendar',
      '',
    ].join('\r\n');
    await send(catcher, { envelope, raw: nested });
    await send(catcher, { envelope, raw: mentionOnly });
    const listed = await catcher.list();
    expect(listed.map((m) => [m.subject, m.hasCalendar])).toEqual([
      ['Pas une invitation', false],
      ['Invitation', true],
    ]);
  });

  it('serves the raw source, which parses back to the same message', async () => {
    const catcher = await start();
    await send(catcher, {
      from: 'secretariat@concerto.test',
      to: 'elu@example.org',
      subject: 'Relevé de décisions',
      text: 'Décision n° 12 adoptée.',
      icalEvent: { method: 'REQUEST', content: VCALENDAR },
    });
    const [message] = await catcher.list();
    const raw = await catcher.readRaw(message!.id);
    expect(raw).toBeInstanceOf(Buffer);
    expect(raw!.length).toBe(message!.size);
    const parsed = await simpleParser(raw!);
    expect(parsed.subject).toBe('Relevé de décisions');
    expect(parsed.messageId).toBe(message!.messageId);
  });

  it('keeps every delivery, duplicates included', async () => {
    const catcher = await start();
    const message = {
      from: 'a@concerto.test',
      to: 'b@example.org',
      subject: 'Rappel',
      text: 'x',
      messageId: '<same@concerto.test>',
    };
    await send(catcher, message);
    await send(catcher, message);
    const listed = await catcher.list();
    expect(listed.map((m) => m.messageId)).toEqual(['<same@concerto.test>', '<same@concerto.test>']);
    expect(new Set(listed.map((m) => m.id)).size).toBe(2);
  });

  it('lists the same messages after a restart on the same folder', async () => {
    const first = await start();
    await send(first, { from: 'a@concerto.test', to: 'b@example.org', subject: 'Avant', text: '1' });
    const before = await first.list();
    await first.close();
    catchers.splice(catchers.indexOf(first), 1);

    const second = await start();
    expect(await second.list()).toEqual(before);
    await send(second, { from: 'a@concerto.test', to: 'b@example.org', subject: 'Après', text: '2' });
    expect((await second.list()).map((m) => m.subject)).toEqual(['Après', 'Avant']);
    expect((await second.readRaw(before[0]!.id))?.length).toBe(before[0]!.size);
    // One log of sources and one index, whatever the number of messages.
    expect((await readdir(dir)).toSorted()).toEqual(['messages.eml-log', 'messages.jsonl']);
  });

  it('keeps every message of a burst, each source whole', async () => {
    const catcher = await start();
    const transport = createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port });
    const sent = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        transport.sendMail({
          from: 'a@concerto.test',
          to: `p${i}@example.org`,
          subject: `Avis ${i}`,
          text: 'é'.repeat(i + 1),
        }),
      ),
    );
    transport.close();
    const listed = await catcher.list();
    expect(listed.map((m) => m.messageId).toSorted()).toEqual(sent.map((s) => s.messageId).toSorted());
    for (const message of listed) {
      const parsed = await simpleParser((await catcher.readRaw(message.id))!);
      expect(parsed.messageId).toBe(message.messageId);
      expect(parsed.text?.trim()).toBe('é'.repeat(Number(message.subject.slice('Avis '.length)) + 1));
    }
  });

  it('after a crash mid-write, drops the half-written message and keeps the others', async () => {
    const first = await start();
    await send(first, { from: 'a@concerto.test', to: 'b@example.org', subject: 'Entier', text: '1' });
    await first.close();
    catchers.splice(catchers.indexOf(first), 1);
    // A crash between the source's write and its index line, then one inside the index line.
    const rawSize = (await stat(path.join(dir, 'messages.eml-log'))).size;
    await appendFile(path.join(dir, 'messages.eml-log'), 'From: x@concerto.test\r\n\r\ncoupé');
    await appendFile(path.join(dir, 'messages.jsonl'), '{"id":"20990101T000000000Z-abcdef","offs');

    const second = await start();
    expect((await second.list()).map((m) => m.subject)).toEqual(['Entier']);
    expect((await stat(path.join(dir, 'messages.eml-log'))).size).toBe(rawSize);
    await send(second, { from: 'a@concerto.test', to: 'b@example.org', subject: 'Après', text: '2' });
    const [after] = await second.list();
    expect((await simpleParser((await second.readRaw(after!.id))!)).subject).toBe('Après');
  });

  it('moves the messages of the former layout, a .eml and a .json each, into its log', async () => {
    const id = '20261201T080000000Z-0a1b2c';
    const raw = 'From: a@concerto.test\r\nSubject: Ancien\r\n\r\nCorps\r\n';
    const message = { id, messageId: null, from: 'a@concerto.test', to: ['b@example.org'], subject: 'Ancien' };
    await writeFile(path.join(dir, `${id}.eml`), raw);
    await writeFile(
      path.join(dir, `${id}.json`),
      JSON.stringify({ ...message, date: '2026-12-01T08:00:00.000Z', hasCalendar: false, size: raw.length }),
    );
    await writeFile(path.join(dir, `${id}.json.1a2b3c4d.tmp`), '{');

    const catcher = await start();
    expect(await catcher.get(id)).toMatchObject(message);
    expect((await catcher.readRaw(id))?.toString()).toBe(raw);
    expect((await readdir(dir)).toSorted()).toEqual(['messages.eml-log', 'messages.jsonl']);
    await send(catcher, { from: 'a@concerto.test', to: 'b@example.org', subject: 'Nouveau', text: '2' });
    expect((await catcher.list()).map((m) => m.subject)).toEqual(['Nouveau', 'Ancien']);
  });

  it('returns null for unknown or malformed ids instead of touching other files', async () => {
    const catcher = await start();
    await send(catcher, { from: 'a@concerto.test', to: 'b@example.org', subject: 'x', text: 'x' });
    const [message] = await catcher.list();
    for (const id of [
      '../../etc/passwd',
      `../${path.basename(dir)}/${message!.id}`,
      `${message!.id}.eml`,
      '',
      '20240620T120000123Z-zzzzzz',
      '20240620T120000123Z-000000',
    ]) {
      expect(await catcher.get(id)).toBeNull();
      expect(await catcher.readRaw(id)).toBeNull();
    }
  });

  it('answers 4xx when it cannot store, so the sender retries', async () => {
    const catcher = await start();
    await rm(dir, { recursive: true, force: true });
    const error = await send(catcher, { from: 'a@concerto.test', to: 'b@example.org', subject: 'x', text: 'x' }).catch(
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ responseCode: 451 });
    expect(classifySmtpError(error).permanent).toBe(false);
    expect(await catcher.list()).toEqual([]);
  });

  it('says which port is taken and how to choose another', async () => {
    const catcher = await start();
    const otherDir = path.join(dir, 'other');
    await expect(start({ dir: otherDir, port: catcher.port })).rejects.toThrow(
      new RegExp(`127\\.0\\.0\\.1:${catcher.port}.*already in use.*CONCERTO_SMTP_PORT`),
    );
  });
});

describe('mail transport configuration', () => {
  it('sends through a pooled SMTP_URL, credentials included', async () => {
    const catcher = await start();
    const transport = createMailTransport({
      kind: 'smtp',
      url: `smtp://secretariat:s%40cret@127.0.0.1:${catcher.port}`,
    });
    try {
      await Promise.all(
        ['un', 'deux', 'trois'].map((subject) =>
          transport.sendMail({ from: 'a@concerto.test', to: 'b@example.org', subject, text: subject }),
        ),
      );
    } finally {
      transport.close();
    }
    expect((await catcher.list()).map((m) => m.subject).sort()).toEqual(['deux', 'trois', 'un']);
  });
});
