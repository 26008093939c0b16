/** The dark-mode switch. */

import { useDarkMode } from "./theme";

export function ThemeToggle() {
  const [dark, toggle] = useDarkMode();
  return (
    <button type="button" class="secondary" aria-pressed={dark} onClick={toggle}>
      Dark mode
    </button>
  );
}
