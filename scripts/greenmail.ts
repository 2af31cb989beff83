// GreenMail, the IMAP and SMTP server the tests start (test/helpers/greenmail.ts): where its jar
// lives and how `npm ci`'s postinstall fetches it from Maven Central, checked against the .sha1
// published beside it. It runs on the machine's Java (17 or later); nothing else is needed.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GROUP = 'com/icegreen';
const ARTIFACT = 'greenmail-standalone';
export const GREENMAIL_VERSION = '2.1.5';
const JAR = `${ARTIFACT}-${GREENMAIL_VERSION}.jar`;
const RELATIVE = `${GROUP}/${ARTIFACT}/${GREENMAIL_VERSION}/${JAR}`;

/** The repository Maven itself uses by default; CONCERTO_MAVEN_REPOSITORY points at a mirror instead. */
const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** `<project>/.greenmail/greenmail-standalone-<version>.jar`, where the install step puts it. */
export function greenMailJarPath(): string {
  return path.join(projectRoot, '.greenmail', JAR);
}

/**
 * Puts the jar in `.greenmail/` unless it is there already: a copy `mvn` left in ~/.m2 is taken
 * when its checksum is right, else it is downloaded. Either way the SHA-1 published beside the jar
 * in the repository must match, or nothing is kept.
 */
export async function installGreenMail(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const target = greenMailJarPath();
  if (existsSync(target)) return target;
  const repository = (env.CONCERTO_MAVEN_REPOSITORY?.trim() || MAVEN_CENTRAL).replace(/\/+$/, '');
  const expected = (await download(`${repository}/${RELATIVE}.sha1`)).toString('utf8').trim().split(/\s+/)[0];
  const cached = path.join(homedir(), '.m2', 'repository', RELATIVE);
  const jar = existsSync(cached) ? await readFile(cached) : await download(`${repository}/${RELATIVE}`);
  const actual = createHash('sha1').update(jar).digest('hex');
  if (actual !== expected?.toLowerCase()) {
    throw new Error(`${JAR}: SHA-1 ${actual} does not match the repository's ${expected} (${repository}).`);
  }
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    await writeFile(partial, jar);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return target;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
