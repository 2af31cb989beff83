import { Prisma } from '../../generated/prisma/client.js';

/**
 * What a database error means for the caller:
 * - `data`: the database refused the values (SQLSTATE class 22 or 23, Prisma's validation errors);
 *   the same write fails the same way, so it is refused for good;
 * - `conflict`: a unique key taken, which may be a race lost to a concurrent write of the same row
 *   (a retry then finds it written) or a value really taken: worth a few tries, no more;
 * - `transient`: the connection, a serialization failure, a deadlock, a restart: retry later;
 * - `unknown`: anything else, left to the retry policy.
 */
export type DatabaseErrorKind = 'data' | 'conflict' | 'transient' | 'unknown';

export interface DatabaseErrorClassification {
  kind: DatabaseErrorKind;
  /** The SQLSTATE or Prisma code, when there is one. */
  code?: string;
  /** The database's own words, for logs and the failure's details. */
  detail: string;
}

/** Prisma's codes for values the database or the client refused (P2000 too long, P2011 null…). */
const PRISMA_DATA_CODES = new Set([
  'P2000',
  'P2003',
  'P2004',
  'P2005',
  'P2006',
  'P2007',
  'P2011',
  'P2012',
  'P2019',
  'P2020',
]);
/** Prisma's codes for a database out of reach, a pool exhausted, a transaction that lost a race. */
const PRISMA_TRANSIENT_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
/** SQLSTATEs worth a retry outside class 08 (connection): serialization, deadlock, shutdown, too many clients. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300', '55P03']);
/** The driver adapter's kinds for the same, when it gives no SQLSTATE. */
const TRANSIENT_ADAPTER_KINDS = new Set([
  'TransactionWriteConflict',
  'SocketTimeout',
  'ConnectionClosed',
  'DatabaseNotReachable',
  'TooManyConnections',
]);
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

interface Shape {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  originalMessage?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The driver adapter's description of the error (kind, SQLSTATE, message), wherever Prisma put it. */
function adapterCause(error: Shape): Shape | undefined {
  const nested = error.meta?.driverAdapterError?.cause ?? error.cause;
  return typeof nested === 'object' && nested !== null ? (nested as Shape) : undefined;
}

/**
 * Decides once, for every store activity, whether a database error is worth retrying: from the
 * SQLSTATE when the driver gives one (PostgreSQL and PGlite, through Prisma's driver adapters),
 * else from Prisma's own code, else from the system's.
 */
export function classifyDatabaseError(error: unknown): DatabaseErrorClassification {
  const shape: Shape = typeof error === 'object' && error !== null ? (error as Shape) : {};
  const cause = adapterCause(shape);
  const sqlstate = text(cause?.originalCode) ?? (text(cause?.kind) === 'postgres' ? text(cause?.code) : undefined);
  const detail = text(cause?.originalMessage) ?? text(cause?.message) ?? text(shape.message)?.trim() ?? String(error);
  const prismaCode = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;

  if (sqlstate === '23505' || prismaCode === 'P2002') return { kind: 'conflict', code: sqlstate ?? prismaCode, detail };
  if (sqlstate && (sqlstate.startsWith('22') || sqlstate.startsWith('23')))
    return { kind: 'data', code: sqlstate, detail };
  if (sqlstate && (sqlstate.startsWith('08') || TRANSIENT_SQLSTATES.has(sqlstate)))
    return { kind: 'transient', code: sqlstate, detail };
  if (prismaCode && PRISMA_DATA_CODES.has(prismaCode)) return { kind: 'data', code: prismaCode, detail };
  if (prismaCode && PRISMA_TRANSIENT_CODES.has(prismaCode)) return { kind: 'transient', code: prismaCode, detail };
  if (error instanceof Prisma.PrismaClientValidationError) return { kind: 'data', detail };
  if (error instanceof Prisma.PrismaClientInitializationError) return { kind: 'transient', detail };
  const kind = text(cause?.kind);
  if (kind && TRANSIENT_ADAPTER_KINDS.has(kind)) return { kind: 'transient', code: kind, detail };
  const system = text(shape.code) ?? text(cause?.code);
  if (system && TRANSIENT_SYSTEM_CODES.has(system)) return { kind: 'transient', code: system, detail };
  return { kind: 'unknown', detail };
}
