import { openDatabase } from '../store/database/open-database.js';
import { svgToPng } from '../documents/retroplanning/svg-png.js';
import { parsePeriodKey, retroplanningSvg } from '../documents/retroplanning/retroplanning-svg.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../store/conventions/load-demo.js';
import { loadRetroplanning } from '../store/conventions/retroplanning.js';

// `npm run bench:retroplanning`: the demo convention's 2024 rétroplanning (its milestones from the
// seed, and BENCH_MEETINGS meetings spread over its instances and the year, one in ten cancelled),
// read from an in-memory PGlite, drawn as SVG by retroplanningSvg, then as a 2400-pixel PNG by
// svgToPng (resvg, off the event loop), as GET /conventions/:slug/retroplanning/2024.{svg,png} do.
// Each step is repeated and its median, fastest and slowest wall times printed.

const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 60);
const SVG_RUNS = Number(process.env.BENCH_SVG_RUNS ?? 200);
const PNG_RUNS = Number(process.env.BENCH_PNG_RUNS ?? 20);
const NOW = new Date('2024-06-05T10:00:00Z');

async function timed(runs: number, step: () => unknown): Promise<{ median: number; min: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times.at(-1)! };
}

const show = (name: string, t: { median: number; min: number; max: number }, extra = '') =>
  console.log(`${name.padEnd(22)} median ${t.median.toFixed(2)} ms (${t.min.toFixed(2)}–${t.max.toFixed(2)})${extra}`);

const db = await openDatabase({ kind: 'pglite-memory' });
try {
  await loadDemo(db.prisma);
  const convention = await db.prisma.convention.findUniqueOrThrow({
    where: { slug: DEMO_CONVENTION_SLUG },
    include: { instances: true },
  });
  await db.prisma.meeting.createMany({
    data: Array.from({ length: MEETINGS }, (_, i) => {
      const instance = convention.instances[i % convention.instances.length]!;
      const startsAt = new Date(Date.UTC(2024, 0, 8, 13) + Math.floor((i * 357) / MEETINGS) * 86_400_000);
      return {
        conventionId: convention.id,
        instanceId: instance.id,
        title: `${instance.name} — séance ${i + 1}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
        status: i % 10 === 9 ? 'annulee' : i % 3 === 0 ? 'planifiee' : 'tenue',
        icalUid: `bench-${i}@concerto`,
      };
    }),
  });
  const period = parsePeriodKey('2024')!;
  const input = (await loadRetroplanning(db.prisma, DEMO_CONVENTION_SLUG, { period, now: NOW }))!;
  const svg = retroplanningSvg(input);
  const png = await svgToPng(svg);
  console.log(
    `2024: ${input.milestones.length} milestones, ${input.meetings.length} meetings in ${input.lanes.length} lanes`,
  );
  show(
    'load (PGlite)',
    await timed(20, () => loadRetroplanning(db.prisma, DEMO_CONVENTION_SLUG, { period, now: NOW })),
  );
  show(
    'SVG (retroplanningSvg)',
    await timed(SVG_RUNS, () => retroplanningSvg(input)),
    `, ${Buffer.byteLength(svg)} bytes`,
  );
  show(
    'PNG (svgToPng, ×2)',
    await timed(PNG_RUNS, () => svgToPng(svg)),
    `, ${png.width}×${png.height}, ${png.png.length} bytes`,
  );
} finally {
  await db.close();
}
