/**
 * The PNG of the rétroplanning (documents/retroplanning/svg-png.ts, resvg with the DejaVu font files): its bytes read
 * by a decoder of our own (test/helpers/png.ts), not by the library that wrote them, then a few
 * pixels where the layout says something is drawn.
 */
import { describe, expect, it } from 'vitest';
import {
  TODAY_COLOUR,
  layoutRetroplanning,
  retroplanningSvg,
} from '../../documents/retroplanning/retroplanning-svg.js';
import { svgToPng } from '../../documents/retroplanning/svg-png.js';
import { PNG_SIGNATURE, decodePng, pixelAt } from '../helpers/png.js';
import { SAMPLE } from '../helpers/retroplanning.js';

const hex = (colour: string) => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));

describe('svgToPng', () => {
  const svg = retroplanningSvg(SAMPLE);
  const layout = layoutRetroplanning(SAMPLE);

  it('writes a PNG twice the SVG’s size, that decodes to the pixels resvg drew', async () => {
    const rendered = await svgToPng(svg);
    expect(rendered.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR comes first: length 13, then the type, width and height (big-endian).
    expect(rendered.png.readUInt32BE(8)).toBe(13);
    expect(rendered.png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(rendered.png.readUInt32BE(16)).toBe(2 * layout.width);
    expect(rendered.png.readUInt32BE(20)).toBe(2 * layout.height);

    const decoded = decodePng(rendered.png);
    expect(decoded).toMatchObject({ width: 2400, height: 2 * layout.height, bitDepth: 8 });
    expect(decoded.chunks.at(-1)).toBe('IEND');
    expect(decoded.rgba.equals(rendered.pixels)).toBe(true);
    expect((await svgToPng(svg)).png.equals(rendered.png)).toBe(true);
  });

  it('draws the today marker in its column, on a white page, with the title in real glyphs', async () => {
    const image = decodePng((await svgToPng(svg)).png);
    const todayX = layout.todayX!;
    // Just under the last lane the marker runs alone: it spans todayX ± 1 in SVG units, ± 2 pixels.
    const y = Math.round((layout.lanesBottom + 2) * 2);
    expect(pixelAt(image, Math.round(todayX * 2), y)).toEqual([...hex(TODAY_COLOUR), 255]);
    expect(pixelAt(image, Math.round(todayX * 2) - 1, y)).toEqual([...hex(TODAY_COLOUR), 255]);
    expect(pixelAt(image, Math.round(todayX * 2) + 8, y)).toEqual([255, 255, 255, 255]);
    // Higher up, across the lanes, the column is red where no meeting is drawn.
    const lane = layout.lanes.find((candidate) => candidate.lane.id === 'bureau-communautaire')!;
    expect(pixelAt(image, Math.round(todayX * 2), Math.round((lane.y + 30) * 2))).toEqual([...hex(TODAY_COLOUR), 255]);
    expect(pixelAt(image, 0, 0)).toEqual([255, 255, 255, 255]);

    // Without system fonts, text only shows if the bundled font was loaded: the title is dark ink.
    let ink = 0;
    for (let x = 32; x < 600; x++) for (let py = 30; py < 64; py++) if (pixelAt(image, x, py)[0] < 80) ink++;
    expect(ink).toBeGreaterThan(1500);
  });

  it('draws at another scale, and refuses one that would make a huge picture', async () => {
    const small = await svgToPng(svg, { scale: 1 });
    expect([small.width, small.height]).toEqual([layout.width, layout.height]);
    await expect(svgToPng(svg, { scale: 0 })).rejects.toThrow(RangeError);
    await expect(svgToPng(svg, { scale: 7 })).rejects.toThrow(/8000 pixels/);
  });
});
