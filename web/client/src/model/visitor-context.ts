/**
 * A visitor's context (where they were when they started the conversation) as an agent reads
 * it: the page's host, the browser and system from the User-Agent, the language by name, and
 * their email address as a link that writes to them.
 */

/** `shop.example:8080` of `https://shop.example:8080/cart`; `null` for no (or no valid) URL. */
export function hostOf(url: string | null): string | null {
  if (url === null) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/(\d+)/, "Edge"],
  [/OPR\/(\d+)/, "Opera"],
  [/SamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/Firefox\/(\d+)/, "Firefox"],
  [/FxiOS\/(\d+)/, "Firefox"],
  [/CriOS\/(\d+)/, "Chrome"],
  [/Chrom(?:e|ium)\/(\d+)/, "Chrome"],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, "Safari"],
];

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/Windows/, "Windows"],
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Chrome 131 on Linux", "Safari 17 on iOS", …; `null` when the User-Agent says neither. */
export function browserText(userAgent: string | null): string | null {
  if (userAgent === null) return null;
  const browser = BROWSERS.map(([pattern, name]) => {
    const match = pattern.exec(userAgent);
    return match === null ? null : `${name} ${match[1] ?? ""}`.trim();
  }).find((found) => found !== null);
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser === undefined || browser === null) return system ?? null;
  return system === undefined ? browser : `${browser} on ${system}`;
}

/** "German (Germany)" for `de-DE`, in English; the tag itself where the browser cannot name it. */
export function languageText(tag: string | null): string | null {
  if (tag === null) return null;
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * `mailto:` the address, its two parts percent-encoded: what a visitor typed is a link's target
 * here, and must not add headers (`?cc=`, `&body=`) or other recipients to the agent's mail.
 */
export function mailtoHref(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 0) return `mailto:${encodeURIComponent(email)}`;
  return `mailto:${encodeURIComponent(email.slice(0, at))}@${encodeURIComponent(email.slice(at + 1))}`;
}
