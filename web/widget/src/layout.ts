/**
 * How much of the website's page the widget's frame takes: while closed, its launcher (and a
 * margin for the shadow and the unread badge); while open, the panel above the launcher; on a
 * phone-sized viewport, all of it. The widget asks (`size` message) and the loader applies it.
 */

import type { WidgetSize } from "../../sdk/src/contract";

/** The launcher's diameter and the panel's largest size, in CSS pixels, per size preset. */
export const DIMENSIONS: Record<WidgetSize, { launcher: number; width: number; height: number }> = {
  small: { launcher: 48, width: 320, height: 460 },
  medium: { launcher: 56, width: 360, height: 540 },
  large: { launcher: 64, width: 400, height: 620 },
};

/** Space between the launcher or panel and the page's edge. */
export const EDGE = 20;
/** Space between the panel and the launcher. */
export const GAP = 12;

/** Below this width or height, the open widget takes the whole viewport. */
export const PHONE_WIDTH = 520;
export const PHONE_HEIGHT = 480;

export interface FrameSize {
  width: number;
  height: number;
  fullscreen: boolean;
}

/** The frame for a widget of `size`, `open` or not, on a page whose viewport is `viewport`. */
export function frameSize(size: WidgetSize, open: boolean, viewport: { width: number; height: number }): FrameSize {
  const { launcher, width, height } = DIMENSIONS[size];
  if (!open) return { width: launcher + 2 * EDGE, height: launcher + 2 * EDGE, fullscreen: false };
  if (isPhone(viewport)) return { width: viewport.width, height: viewport.height, fullscreen: true };
  return {
    width: Math.min(width + 2 * EDGE, viewport.width),
    height: Math.min(height + launcher + GAP + 2 * EDGE, viewport.height),
    fullscreen: false,
  };
}

/** Whether a page's viewport is a phone's (the panel then covers it). */
export function isPhone(viewport: { width: number; height: number }): boolean {
  return viewport.width < PHONE_WIDTH || viewport.height < PHONE_HEIGHT;
}
