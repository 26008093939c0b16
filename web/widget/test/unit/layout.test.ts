import { describe, expect, it } from "vitest";

import { frameSize } from "../../src/layout";

const DESKTOP = { width: 1280, height: 800 };

describe("the frame's size", () => {
  it("is the launcher's while closed, by size preset", () => {
    expect(frameSize("small", false, DESKTOP)).toEqual({ width: 88, height: 88, fullscreen: false });
    expect(frameSize("medium", false, DESKTOP)).toEqual({ width: 96, height: 96, fullscreen: false });
    expect(frameSize("large", false, { width: 320, height: 560 })).toEqual({ width: 104, height: 104, fullscreen: false });
  });

  it("is the panel's above the launcher while open", () => {
    expect(frameSize("medium", true, DESKTOP)).toEqual({ width: 400, height: 648, fullscreen: false });
  });

  it("fits a short viewport", () => {
    expect(frameSize("large", true, { width: 1280, height: 600 })).toEqual({ width: 440, height: 600, fullscreen: false });
  });

  it("is the whole viewport on a phone", () => {
    expect(frameSize("small", true, { width: 375, height: 740 })).toEqual({ width: 375, height: 740, fullscreen: true });
    expect(frameSize("medium", true, { width: 900, height: 400 })).toEqual({ width: 900, height: 400, fullscreen: true });
  });
});
