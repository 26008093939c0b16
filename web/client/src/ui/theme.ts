/**
 * Dark mode: the system's preference (`prefers-color-scheme`) unless the user chose with the
 * toggle; the choice is kept in `localStorage` and applied as `data-theme` on `<html>`, which
 * the style sheet's colour variables follow.
 */

import { useState } from "preact/hooks";

const KEY = "chat:theme";

type Theme = "light" | "dark";

function storedTheme(): Theme | null {
  const value = localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : null;
}

function systemTheme(): Theme {
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Applies the stored choice (call before the first render). */
export function applyStoredTheme(): void {
  const theme = storedTheme();
  if (theme !== null) document.documentElement.dataset["theme"] = theme;
}

/** Whether the page is dark, and the toggle. */
export function useDarkMode(): [boolean, () => void] {
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? systemTheme());
  const toggle = () => {
    const next: Theme = theme === "dark" ? "light" : "dark";
    localStorage.setItem(KEY, next);
    document.documentElement.dataset["theme"] = next;
    setTheme(next);
  };
  return [theme === "dark", toggle];
}
