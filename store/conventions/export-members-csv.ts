import { INSTANCE_KINDS } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { MEMBER_CSV_COLUMNS, type MemberCsvColumn } from './import-members-csv.js';

/**
 * The members of a convention's instances as the CSV file {@link importMembersCsv} reads: a UTF-8
 * BOM (so spreadsheets read the accents), the header line, then one line per person and instance,
 * `;`-separated, CRLF line ends, fields quoted when they hold `;`, `"`, a line break or edge spaces.
 * Lines are in governance order (Bureau, COPIL, COTECH, GTTs…), then by instance slug and e-mail.
 */
export async function exportMembersCsv(prisma: PrismaClient, conventionSlug: string): Promise<string> {
  const convention = await prisma.convention.findUnique({ where: { slug: conventionSlug }, select: { id: true } });
  if (!convention) {
    throw new DomainError('INVALID_INPUT', `Aucune convention « ${conventionSlug} » : vérifiez le slug.`, 'convention');
  }
  const memberships = await prisma.membership.findMany({
    where: { instance: { conventionId: convention.id } },
    include: {
      instance: { select: { slug: true, kind: true } },
      person: { select: { email: true, displayName: true, title: true } },
      structure: { select: { slug: true } },
      representsInstance: { select: { slug: true } },
    },
  });
  const rank = (kind: string) => {
    const at = (INSTANCE_KINDS as readonly string[]).indexOf(kind);
    return at === -1 ? INSTANCE_KINDS.length : at;
  };
  memberships.sort(
    (a, b) =>
      rank(a.instance.kind) - rank(b.instance.kind) ||
      a.instance.slug.localeCompare(b.instance.slug, 'en', { numeric: true }) ||
      compare(a.person.email, b.person.email),
  );
  const lines = memberships.map((m) => {
    const cells: Record<MemberCsvColumn, string> = {
      email: m.person.email,
      nom: m.person.displayName,
      fonction: m.person.title ?? '',
      structure: m.structure?.slug ?? '',
      instance: m.instance.slug,
      role: m.role,
      siege: m.seat,
      represente: m.representsInstance?.slug ?? '',
    };
    return MEMBER_CSV_COLUMNS.map((column) => quote(cells[column])).join(';');
  });
  return `\uFEFF${[MEMBER_CSV_COLUMNS.join(';'), ...lines].join('\r\n')}\r\n`;
}

function quote(value: string): string {
  return /[;"\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
