import type { PrismaClient } from '../../generated/prisma/client.js';

/** A compte rendu as uploaded. */
export interface MinutesFileRecord {
  meetingId: string;
  filename: string;
  content: Buffer;
  uploadedBy: string;
  uploadedAt: Date;
}

/** Keeps the meeting's compte rendu; a new upload replaces the previous one. */
export async function saveMinutesFile(db: PrismaClient, file: MinutesFileRecord): Promise<void> {
  const { content, ...rest } = file;
  const data = { ...rest, base64: content.toString('base64'), size: content.length };
  await db.minutesFile.upsert({ where: { meetingId: file.meetingId }, create: data, update: data });
}

/** The meeting's compte rendu, or null when none was uploaded. */
export async function findMinutesFile(
  db: PrismaClient,
  meetingId: string,
): Promise<{ filename: string; content: Buffer; uploadedAt: Date } | null> {
  const file = await db.minutesFile.findUnique({ where: { meetingId } });
  return file
    ? { filename: file.filename, content: Buffer.from(file.base64, 'base64'), uploadedAt: file.uploadedAt }
    : null;
}
