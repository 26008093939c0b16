/**
 * The business hours part of the widget form: whether they apply at all, the time zone (checked
 * against the browser's time-zone database as it is typed), and each day open or closed, with
 * its opening and closing times.
 */

import { DAY_NAMES, type DayRow, type HoursForm, canonicalTimeZone, timeZoneProblem } from "../../model/business-hours";
import type { Week } from "../../../../sdk/src/index";

interface Props {
  hours: HoursForm;
  onChange: (hours: HoursForm) => void;
}

/** The zones the browser knows, to suggest as the user types (where it can list them). */
const ZONES: readonly string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

export function BusinessHoursFields({ hours, onChange }: Props) {
  const zoneProblem = canonicalTimeZone(hours.timeZone) === null ? timeZoneProblem(hours.timeZone) : null;
  const changeDay = (index: number, patch: Partial<DayRow>) => {
    const days = hours.days.map((day, at) => (at === index ? { ...day, ...patch } : day)) as Week<DayRow>;
    onChange({ ...hours, days });
  };
  return (
    <fieldset class="business-hours">
      <legend>Business hours</legend>
      <label class="check">
        <input type="checkbox" checked={hours.limited} onChange={(event) => onChange({ ...hours, limited: event.currentTarget.checked })} /> Answer
        only during business hours
      </label>
      {!hours.limited ? (
        <p class="muted hint">Visitors may write at any time.</p>
      ) : (
        <>
          <div class="one-field">
            <label for="widget-time-zone">Time zone</label>
            <input
              id="widget-time-zone"
              value={hours.timeZone}
              list="widget-time-zones"
              autocomplete="off"
              spellcheck={false}
              aria-invalid={zoneProblem !== null}
              aria-describedby={zoneProblem === null ? undefined : "widget-time-zone-problem"}
              onInput={(event) => onChange({ ...hours, timeZone: event.currentTarget.value })}
            />
            <datalist id="widget-time-zones">
              {ZONES.map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
            {zoneProblem !== null && (
              <span id="widget-time-zone-problem" class="problem">
                {zoneProblem}
              </span>
            )}
          </div>
          <div class="days">
            {hours.days.map((day, index) => {
              const name = DAY_NAMES[index] ?? "";
              return (
                <div key={name} class="day-row" role="group" aria-label={name}>
                  <span class="day-name" aria-hidden="true">
                    {name}
                  </span>
                  <label class="check">
                    <input type="checkbox" checked={day.open} onChange={(event) => changeDay(index, { open: event.currentTarget.checked })} /> Open
                  </label>
                  <input
                    type="time"
                    aria-label={`${name} opens`}
                    value={day.opens}
                    disabled={!day.open}
                    onInput={(event) => changeDay(index, { opens: event.currentTarget.value })}
                  />
                  <span aria-hidden="true">to</span>
                  <input
                    type="time"
                    aria-label={`${name} closes`}
                    value={day.closes}
                    disabled={!day.open}
                    onInput={(event) => changeDay(index, { closes: event.currentTarget.value })}
                  />
                </div>
              );
            })}
          </div>
          <p class="muted hint">A day that closes at midnight (00:00) is open to the end of the day.</p>
        </>
      )}
    </fieldset>
  );
}
