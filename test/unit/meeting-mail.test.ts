import { describe, expect, it } from 'vitest';
import { icalEventMismatch, readIcsHeader } from '../../documents/ics/ics-check.js';
import {
  composeMeetingMail,
  escapeHtml,
  type MeetingMailInput,
  type MeetingMailKind,
} from '../../documents/mail/meeting-mail.js';

const MEETING: MeetingMailInput['meeting'] = {
  title: 'COTECH',
  instanceName: 'Comité technique (COTECH)',
  startsAt: new Date('2024-06-18T12:00:00Z'),
  endsAt: new Date('2024-06-18T15:00:00Z'),
  zone: 'Europe/Paris',
  location: 'Salle du conseil, Melle',
  visioUrl: 'https://visio.example.org/cotech?room=a&pin=1',
  sequence: 0,
};
const RSVP = {
  accept: 'https://concerto.example.org/r?a=accept&t=x',
  tentative: 'https://concerto.example.org/r?a=tentative&t=x',
  decline: 'https://concerto.example.org/r?a=decline&t=x',
};
const AGENDA = [
  { position: 2, title: 'Fiche FA-12 « Ludothèque itinérante » : avis' },
  { position: 1, title: 'Approbation du compte rendu' },
];

function input(kind: MeetingMailKind, overrides: Partial<MeetingMailInput> = {}): MeetingMailInput {
  return {
    kind,
    meeting: MEETING,
    recipient: { name: 'Claire Martin', email: 'claire@example.org' },
    agenda: AGENDA,
    rsvpLinks: RSVP,
    ...overrides,
  };
}

/** The HTML as a reader sees it, link targets included: tags dropped, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<a href="([^"]*)"[^>]*>/g, ' $1 ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('composeMeetingMail', () => {
  it('writes each kind’s subject with the meeting’s local date', () => {
    const subjects = Object.fromEntries(
      (['convocation', 'update', 'cancel', 'reminder', 'decisions', 'minutes_reminder'] as const).map((kind) => [
        kind,
        composeMeetingMail(input(kind, { meeting: { ...MEETING, ...(kind === 'reminder' ? { daysBefore: 7 } : {}) } }))
          .subject,
      ]),
    );
    expect(subjects).toEqual({
      convocation: 'Convocation : COTECH — mardi 18 juin 2024 à 14 h 00',
      update: 'Modification : COTECH — mardi 18 juin 2024 à 14 h 00',
      cancel: 'Annulée : COTECH — mardi 18 juin 2024 à 14 h 00',
      reminder: 'Rappel (J-7) : COTECH — mardi 18 juin 2024 à 14 h 00',
      decisions: 'Relevé de décisions : COTECH — mardi 18 juin 2024',
      minutes_reminder: 'Compte rendu à déposer : COTECH — mardi 18 juin 2024',
    });
  });

  it('puts the agenda in order, the place, the visio link and the answer links in both parts', () => {
    const mail = composeMeetingMail(input('convocation'));
    expect(mail.text).toContain(
      'Ordre du jour :\n1. Approbation du compte rendu\n2. Fiche FA-12 « Ludothèque itinérante » : avis',
    );
    expect(mail.html).toMatch(
      new RegExp(
        String.raw`<ol>\n<li value="1">Approbation du compte rendu<\/li>\n<li ` +
          String.raw`value="2">Fiche FA-12 « Ludothèque itinérante » : avis<\/li>\n<\/ol>`,
      ),
    );
    expect(mail.text).toContain('Date : mardi 18 juin 2024, de 14 h 00 à 17 h 00');
    expect(mail.text).toContain('Lieu : Salle du conseil, Melle');
    expect(mail.text).toContain(`Visioconférence : ${MEETING.visioUrl}`);
    expect(mail.text).toContain(`- Je participerai : ${RSVP.accept}`);
    expect(mail.text).toContain(`- Je ne sais pas encore : ${RSVP.tentative}`);
    expect(mail.text).toContain(`- Je ne participerai pas : ${RSVP.decline}`);
    for (const url of [MEETING.visioUrl!, ...Object.values(RSVP)])
      expect(mail.html).toContain(`href="${escapeHtml(url)}"`);

    // Whatever the text says, the HTML says too.
    const visible = visibleText(mail.html).replace(/\s+/g, ' ');
    for (const line of mail.text.split('\n')) {
      for (const piece of line
        .replace(/^(- |\d+\. )/, '')
        .replace(/ :$/, '')
        .split(' : ')) {
        if (piece.trim()) expect(visible).toContain(piece.trim());
      }
    }
  });

  it('escapes every interpolated value in the HTML, and only there', () => {
    const hostile = '<script>alert("x")</script> & Cie \'s';
    const mail = composeMeetingMail(
      input('convocation', {
        meeting: { ...MEETING, title: hostile, location: `<b>${hostile}</b>`, visioUrl: 'javascript:alert(1)' },
        recipient: { name: '<img src=x onerror=alert(1)>', email: 'x@example.org' },
        agenda: [{ position: 1, title: hostile }],
        rsvpLinks: {
          accept: 'https://a.example/"><script>',
          tentative: 'https://a.example/t',
          decline: 'https://a.example/d',
        },
      }),
    );
    expect(mail.html).not.toMatch(/<script|<img|<b>|onerror=alert\(1\)>/);
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie &#39;s');
    expect(mail.html).toContain('href="https://a.example/&quot;&gt;&lt;script&gt;"');
    // A javascript: URL is shown, never linked.
    expect(mail.html).not.toContain('href="javascript:');
    expect(mail.html).toContain('javascript:alert(1)');
    expect(mail.text).toContain(hostile);
    expect(mail.subject).toContain(hostile);
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('says what changed in an update: the old and the new date', () => {
    const mail = composeMeetingMail(
      input('update', {
        meeting: {
          ...MEETING,
          sequence: 1,
          startsAt: new Date('2024-06-20T07:30:00Z'),
          endsAt: new Date('2024-06-21T09:00:00Z'),
          previous: { startsAt: MEETING.startsAt, endsAt: MEETING.endsAt },
        },
      }),
    );
    expect(mail.subject).toBe('Modification : COTECH — jeudi 20 juin 2024 à 09 h 30');
    expect(mail.text).toContain('est déplacée');
    expect(mail.text).toContain('Nouvelle date : du jeudi 20 juin 2024 à 09 h 30 au vendredi 21 juin 2024 à 11 h 00');
    expect(mail.text).toContain('Ancienne date : mardi 18 juin 2024, de 14 h 00 à 17 h 00');
    expect(mail.html).toContain('Ancienne date');

    const sameTimes = composeMeetingMail(
      input('update', {
        meeting: { ...MEETING, sequence: 2, previous: { startsAt: MEETING.startsAt, endsAt: MEETING.endsAt } },
      }),
    );
    expect(sameTimes.text).toContain('a été modifiée');
    expect(sameTimes.text).toContain('Date : mardi 18 juin 2024');
    expect(sameTimes.text).not.toContain('Ancienne date');
  });

  it('gives a cancellation its reason, without agenda or answer links', () => {
    const mail = composeMeetingMail(
      input('cancel', {
        meeting: { ...MEETING, cancelReason: 'Quorum <non> atteint' },
        ics: { method: 'CANCEL', content: 'BEGIN:VCALENDAR' },
      }),
    );
    expect(mail.text).toContain('La réunion « COTECH » prévue le mardi 18 juin 2024 à 14 h 00 est annulée.');
    expect(mail.text).toContain('Motif : Quorum <non> atteint');
    expect(mail.html).toContain('Motif : Quorum &lt;non&gt; atteint');
    expect(mail.text).toContain('L’annulation jointe retire la réunion de votre agenda.');
    expect(mail.text).not.toContain('Ordre du jour');
    expect(mail.text).not.toContain(RSVP.accept);
    expect(mail.icalEvent).toEqual({ method: 'CANCEL', content: 'BEGIN:VCALENDAR', filename: 'annulation.ics' });
  });

  it('counts the days in a reminder', () => {
    const text = (daysBefore?: number) =>
      composeMeetingMail(
        input('reminder', { meeting: { ...MEETING, ...(daysBefore === undefined ? {} : { daysBefore }) } }),
      ).text;
    expect(text(7)).toContain('a lieu dans 7 jours, le mardi 18 juin 2024 à 14 h 00.');
    expect(text(1)).toContain('a lieu demain, le mardi');
    expect(text(0)).toContain('a lieu aujourd’hui, le mardi');
    expect(text()).toContain('a lieu le mardi');
    expect(composeMeetingMail(input('reminder')).subject).toMatch(/^Rappel : /);
  });

  it('lists decisions with their comments, and the compte rendu as a link', () => {
    const mail = composeMeetingMail(
      input('decisions', {
        decisions: [
          { item: 'Fiche FA-12', outcome: 'Avis favorable', comment: 'Sous réserve du budget' },
          { item: 'Fiche FA-13', outcome: 'À retravailler' },
        ],
        minutes: { ref: 'https://concerto.example.org/cr/12' },
      }),
    );
    expect(mail.text).toContain(
      'Décisions :\n- Fiche FA-12 : Avis favorable\n   Commentaire ' +
        ': Sous réserve du budget\n- Fiche FA-13 : À retravailler',
    );
    expect(mail.text).toContain('Compte rendu : https://concerto.example.org/cr/12');
    expect(mail.html).toContain('<a href="https://concerto.example.org/cr/12"');
    expect(mail.text).not.toContain(RSVP.accept);
    expect(mail.icalEvent).toBeUndefined();

    const none = composeMeetingMail(input('decisions', { minutes: { ref: 'CR-2024-06' } }));
    expect(none.text).toContain('Aucune décision n’a été enregistrée');
    expect(none.text).toContain('Compte rendu : CR-2024-06');
    expect(none.html).not.toContain('href="CR-2024-06"');
  });

  it('lists what is missing in the minutes reminder', () => {
    const mail = composeMeetingMail(
      input('minutes_reminder', { minutes: { missing: ['le compte rendu signé', 'la feuille de présence'] } }),
    );
    expect(mail.text).toContain('n’a pas encore été déposé');
    expect(mail.text).toContain('Reste à faire :\n- le compte rendu signé\n- la feuille de présence');
    expect(mail.html).toContain('<li>la feuille de présence</li>');

    const publish = composeMeetingMail(
      input('minutes_reminder', { minutes: { missing: ['la publication du relevé de décisions'] } }),
    );
    expect(publish.subject).toBe('Relevé à publier : COTECH — mardi 18 juin 2024');
    expect(publish.text).toContain('n’est pas encore publié sur la page publique');
    expect(publish.text).not.toContain('déposé');
  });

  it('passes the invitation and attachments through, named by kind', () => {
    const pdf = { filename: 'ordre-du-jour.pdf', content: Buffer.from('%PDF-1.3'), contentType: 'application/pdf' };
    const mail = composeMeetingMail(
      input('convocation', { ics: { method: 'REQUEST', content: 'ICS' }, attachments: [pdf] }),
    );
    expect(mail.icalEvent).toEqual({ method: 'REQUEST', content: 'ICS', filename: 'convocation.ics' });
    expect(mail.attachments).toEqual([pdf]);
    expect(mail.text).toContain('Pièce jointe : ordre-du-jour.pdf');
    expect(mail.text).toContain('L’invitation jointe ajoute la réunion à votre agenda.');
    expect(
      composeMeetingMail(input('update', { ics: { method: 'REQUEST', content: 'ICS' } })).icalEvent?.filename,
    ).toBe('modification.ics');
    expect(composeMeetingMail(input('convocation')).text).not.toContain('L’invitation jointe');
  });

  it('refuses an invitation that does not suit the kind, and impossible times', () => {
    expect(() => composeMeetingMail(input('cancel', { ics: { method: 'REQUEST', content: '' } }))).toThrow(
      'ics.method must be CANCEL for a cancel mail, got REQUEST',
    );
    expect(() => composeMeetingMail(input('convocation', { ics: { method: 'CANCEL', content: '' } }))).toThrow(
      'ics.method must be REQUEST',
    );
    expect(() => composeMeetingMail(input('decisions', { ics: { method: 'REQUEST', content: '' } }))).toThrow(
      'a decisions mail carries no invitation',
    );
    expect(() =>
      composeMeetingMail(input('convocation', { meeting: { ...MEETING, endsAt: new Date('2024-06-18T11:00:00Z') } })),
    ).toThrow(/meeting\.endsAt .* is before meeting\.startsAt/);
    expect(() => composeMeetingMail(input('convocation', { meeting: { ...MEETING, zone: 'Mars/Olympus' } }))).toThrow(
      RangeError,
    );
  });

  it('is pure: the same input gives the same mail', () => {
    expect(composeMeetingMail(input('convocation'))).toEqual(composeMeetingMail(input('convocation')));
  });
});

describe('icalEventMismatch', () => {
  const ics = [
    'BEGIN:VCALENDAR',
    'METHOD:REQUEST',
    'BEGIN:VTIMEZONE',
    'TZID:Europe/Paris',
    'BEGIN:STANDARD',
    'TZOFFSETFROM:+0200',
    'END:STANDARD',
    'END:VTIMEZONE',
    'BEGIN:VEVENT',
    'UID:meeting-42@concerto',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'END:VALARM',
    'SEQUENCE:3',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

  it('reads METHOD, UID and SEQUENCE where RFC 5545 puts them, folded lines included', () => {
    expect(readIcsHeader(ics)).toEqual({ method: 'REQUEST', uid: 'meeting-42@concerto', sequence: 3 });
    expect(readIcsHeader(ics.replace('UID:meeting-42@concerto', 'UID:meeting-42\r\n @concerto'))).toMatchObject({
      uid: 'meeting-42@concerto',
    });
    expect(readIcsHeader('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR')).toEqual({
      uid: 'x',
      sequence: 0,
    });
  });

  it('accepts a matching claim, case aside, and names each contradiction', () => {
    expect(icalEventMismatch({ method: 'request', uid: 'meeting-42@concerto', sequence: 3 }, ics)).toBeNull();
    expect(icalEventMismatch({ method: 'CANCEL', uid: 'other@concerto', sequence: 4 }, ics)).toBe(
      'icalEvent.method is CANCEL but the iCalendar content says METHOD:REQUEST; ' +
        "icalEvent.uid is other@concerto but the event's UID is meeting-42@concerto; " +
        "icalEvent.sequence is 4 but the event's SEQUENCE is 3",
    );
    expect(
      icalEventMismatch(
        { method: 'REQUEST', uid: 'x', sequence: 0 },
        'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR',
      ),
    ).toBe('the iCalendar content has no METHOD, while icalEvent.method is REQUEST');
  });
});
