import { describe, expect, it } from "vitest";

import type { BusinessHours } from "../../../sdk/src/index";
import { canonicalTimeZone, dayText, hoursForm, hoursFromForm, minutesOf, timeOfDay } from "../../src/model/business-hours";

const BERLIN: BusinessHours = {
  time_zone: "Europe/Berlin",
  days: [
    { opens: 540, closes: 1020 },
    { opens: 540, closes: 1020 },
    { opens: 540, closes: 1020 },
    { opens: 540, closes: 1020 },
    { opens: 540, closes: 960 },
    null,
    { opens: 0, closes: 1440 },
  ],
};

describe("business hours: the form and the API's shape", () => {
  it("turns minutes into times of day and back; midnight at the end of a day is 00:00", () => {
    expect([timeOfDay(0), timeOfDay(540), timeOfDay(1439), timeOfDay(1440)]).toEqual(["00:00", "09:00", "23:59", "00:00"]);
    expect([minutesOf("09:00"), minutesOf("23:59"), minutesOf("09:30:00"), minutesOf("24:00"), minutesOf(""), minutesOf("9:00")]).toEqual([
      540,
      1439,
      570,
      null,
      null,
      null,
    ]);
  });

  it("round-trips the API's hours through the form", () => {
    const form = hoursForm(BERLIN, "UTC");
    expect(form.limited).toBe(true);
    expect(form.timeZone).toBe("Europe/Berlin");
    expect(form.days[4]).toEqual({ open: true, opens: "09:00", closes: "16:00" });
    expect(form.days[5].open).toBe(false);
    expect(form.days[6]).toEqual({ open: true, opens: "00:00", closes: "00:00" });
    expect(hoursFromForm(form)).toEqual({ ok: true, hours: BERLIN });
  });

  it("offers a working week in the browser's zone when there are no hours, and sends null until they apply", () => {
    const form = hoursForm(null, "America/New_York");
    expect(form).toMatchObject({ limited: false, timeZone: "America/New_York" });
    expect(form.days.map((day) => day.open)).toEqual([true, true, true, true, true, false, false]);
    expect(hoursFromForm(form)).toEqual({ ok: true, hours: null });
    const limited = hoursFromForm({ ...form, limited: true });
    expect(limited.ok && limited.hours?.days[0]).toEqual({ opens: 540, closes: 1020 });
    expect(limited.ok && limited.hours?.days[6]).toBeNull();
  });

  it("says which day is wrong: closing before opening, or a time missing", () => {
    const form = hoursForm(BERLIN, "UTC");
    const late = { ...form, days: form.days.map((day, index) => (index === 2 ? { ...day, opens: "18:00" } : day)) as typeof form.days };
    expect(hoursFromForm(late)).toEqual({ ok: false, problem: "Wednesday: the closing time must be after the opening time." });
    const blank = { ...form, days: form.days.map((day, index) => (index === 0 ? { ...day, closes: "" } : day)) as typeof form.days };
    expect(hoursFromForm(blank)).toEqual({ ok: false, problem: "Monday: give an opening and a closing time." });
  });

  it("checks the time zone with Intl, sends its canonical name, and refuses what the server would", () => {
    expect(canonicalTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone(" europe/berlin ")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
    // The server takes only Area/Place names and UTC: aliases are sent by their canonical name.
    expect(canonicalTimeZone("GMT")).toBe("UTC");
    const form = { ...hoursForm(BERLIN, "UTC"), timeZone: "Mars/Olympus_Mons" };
    const result = hoursFromForm(form);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^“Mars\/Olympus_Mons” is not a time zone/);
    expect(hoursFromForm({ ...form, timeZone: "europe/berlin" })).toEqual({ ok: true, hours: BERLIN });
  });

  it("reads a day as text, a day open until midnight ending at 24:00", () => {
    expect([dayText({ opens: 540, closes: 1020 }), dayText({ opens: 0, closes: 1440 }), dayText(null)]).toEqual([
      "09:00–17:00",
      "00:00–24:00",
      "Closed",
    ]);
  });
});
