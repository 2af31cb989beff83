import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/cli-error.js';
import { EXIT, exitCodeForStatus } from '../../cli/exit-codes.js';
import { instantArg } from '../../cli/instant.js';
import { Output } from '../../cli/output.js';
import { parseProposedDate } from '../../cli/poll.js';

describe('the CLI’s reading of what people type', () => {
  it('takes « 2027-09-14 14:00 » as Paris time, in summer and in winter, and a full instant as it is', () => {
    expect(instantArg('2027-09-14 14:00', 'start')).toBe('2027-09-14T12:00:00.000Z');
    expect(instantArg('2027-01-12T14:00', 'start')).toBe('2027-01-12T13:00:00.000Z');
    expect(instantArg('2027-01-12T14:00:00+01:00', 'start')).toBe('2027-01-12T13:00:00.000Z');
    expect(() => instantArg('demain 14h', 'start')).toThrow(
      expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('--start') }),
    );
  });

  it('refuses a day the calendar lacks or an hour the clocks skip: a usage error (exit 2) saying what exists', () => {
    expect(() => instantArg('2027-02-30 14:00', 'start')).toThrow(
      expect.objectContaining({ exitCode: EXIT.usage, message: '« --start » : le 30 février 2027 n’existe pas.' }),
    );
    expect(() => instantArg('2027-03-28 02:30', 'end')).toThrow(
      expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('choisissez 01:59 ou 03:00') }),
    );
    expect(() => instantArg('2027-10-31 02:30', 'end')).toThrow(
      expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('+02:00') }),
    );
  });

  it('reads proposed dates: a day, a half day, a slot, with places', () => {
    expect(parseProposedDate('2027-09-14')).toEqual({ kind: 'journee', date: '2027-09-14' });
    expect(parseProposedDate('2027-09-16/apres_midi')).toEqual({
      kind: 'demi_journee',
      date: '2027-09-16',
      half: 'apres_midi',
    });
    expect(parseProposedDate('2027-09-17/10:00-12:00@12')).toEqual({
      kind: 'creneau',
      date: '2027-09-17',
      start: '10:00',
      end: '12:00',
      capacity: 12,
    });
    expect(() => parseProposedDate('2027-09-16/soir')).toThrow(CliError);
    expect(() => parseProposedDate('2027-09-14@douze')).toThrow(/entier/);
  });

  it('maps each HTTP status to its documented exit code', () => {
    expect([400, 401, 403, 404, 409, 410, 415, 422, 500, 503].map(exitCodeForStatus)).toEqual([
      EXIT.usage,
      EXIT.access,
      EXIT.access,
      EXIT.notFound,
      EXIT.refused,
      EXIT.notFound,
      EXIT.usage,
      EXIT.refused,
      EXIT.unavailable,
      EXIT.unavailable,
    ]);
  });
});

describe('the CLI’s output', () => {
  const capture = (tty: boolean) => {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: tty });
    const read = (stream: PassThrough) => stream.read()?.toString() ?? '';
    return { streams: { stdout, stderr }, out: () => read(stdout), err: () => read(stderr) };
  };

  it('writes progress to a log as a line per tenth or step, never to stdout', () => {
    const io = capture(false);
    const output = new Output(true, io.streams);
    for (let done = 1; done <= 200; done++) output.progress(done, 200, done <= 100 ? 'personnes' : 'instances');
    const lines = io.err().trimEnd().split('\n');
    expect(lines[0]).toBe('  1 % (1/200) personnes');
    expect(lines.at(-1)).toBe('100 % (200/200) instances');
    // Six tenths a step (0 to 50 %, then 50 to 100 %), and the last record: 13 lines for 200 records.
    expect(lines).toHaveLength(13);
    expect(io.out()).toBe('');
  });

  it('redraws one bar in place on a terminal', () => {
    const io = capture(true);
    const output = new Output(false, io.streams);
    output.progress(15, 30, 'instances');
    output.progress(30, 30, 'instances');
    const text = io.err();
    expect(text.split('\r').filter(Boolean)).toHaveLength(2);
    expect(text).toContain('50 % 15/30 instances');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('reports a failure on stderr for people, and as JSON on stdout under --json', () => {
    const io = capture(false);
    const code = new Output(true, io.streams).failure(
      new CliError('Saisie invalide.', EXIT.usage, 'Corrigez.', [
        { field: 'title', message: 'Le titre est obligatoire.' },
      ]),
    );
    expect(code).toBe(EXIT.usage);
    expect(io.err()).toBe('concerto : Saisie invalide.\n  - title : Le titre est obligatoire.\nCorrigez.\n');
    expect(JSON.parse(io.out())).toEqual({
      exitCode: EXIT.usage,
      error: { message: 'Saisie invalide.', issues: [{ field: 'title', message: 'Le titre est obligatoire.' }] },
    });
  });
});
