/**
 * SVG to PNG, for the pictures people download (the rétroplanning). Drawn by resvg
 * (@resvg/resvg-js: Rust's resvg behind a prebuilt N-API module per platform, taken from the npm
 * registry with no install script) with the DejaVu Sans font files of the dejavu-fonts-ttf package,
 * and no system font: the same SVG gives the same pixels on any machine, fonts installed or not,
 * and `sans-serif` always means DejaVu Sans, the font the SVG builders size their labels for.
 *
 * Not pure (a native module, font files read at each render), hence here rather than in calendar/.
 */
import { createRequire } from 'node:module';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);

/** Names what draws the pixels, for cache validators: a new renderer or font changes the bytes. */
export const PNG_RENDERER = 'resvg-js 2.6.2 + DejaVu Sans 2.37.3';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((file) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${file}`),
);

/** The largest picture drawn, in pixels a side: a bound on the memory one request may take. */
export const MAX_PNG_SIDE = 8000;

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Pixels per SVG user unit; default 2, sharp on a slide or a high-density screen. */
  scale?: number;
}

/** A PNG and the RGBA pixels it holds (row by row, 4 bytes a pixel), for callers that look at them. */
export interface RenderedPng {
  png: Buffer;
  width: number;
  height: number;
  pixels: Buffer;
}

/**
 * Draws `svg` as a PNG on a white background. Runs off the event loop (libuv's thread pool), so a
 * request for a picture does not hold the others up.
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<RenderedPng> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`scale must be above 0 and at most 8, got ${scale}`);
  const renderOptions: ResvgRenderOptions = {
    fitTo: { mode: 'zoom', value: scale },
    background: '#FFFFFF',
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      serifFamily: 'DejaVu Sans',
      monospaceFamily: 'DejaVu Sans',
    },
    textRendering: 1,
    shapeRendering: 2,
    logLevel: 'off',
  };
  const size = /<svg\b[^>]*?\bwidth="(\d+(?:\.\d+)?)"[^>]*?\bheight="(\d+(?:\.\d+)?)"/.exec(svg);
  if (size && Math.max(Number(size[1]), Number(size[2])) * scale > MAX_PNG_SIDE) {
    throw new RangeError(`the picture would be over ${MAX_PNG_SIDE} pixels a side at scale ${scale}`);
  }
  const image = await renderAsync(svg, renderOptions);
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}
