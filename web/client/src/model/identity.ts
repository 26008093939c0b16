/**
 * Identity verification (api.md §12.4) as a website's owner sets it up: the website's server
 * signs each logged-in user's id with the website's identity secret, and the page hands id and
 * signature to the widget. The owner needs the secret (shown masked until asked for, since it
 * is a credential for every user's conversations) and the few lines that compute the signature
 * in the languages websites' servers are usually written in; those read the secret from the
 * environment, so that nobody pastes it into code that may reach a browser.
 */

/** The environment variable the snippets read the secret from. */
export const SECRET_VARIABLE = "CHAT_IDENTITY_SECRET";

/** How many of the secret's last digits a masked secret shows, to tell two secrets apart. */
const SHOWN_DIGITS = 4;

/** `••••••••••••3f9a`: the secret hidden but for its last digits. */
export function maskedSecret(secret: string): string {
  return "•".repeat(12) + secret.slice(-SHOWN_DIGITS);
}

export interface Snippet {
  /** What it is: its language, or "Widget call" for the page's. */
  label: string;
  code: string;
}

/** The user's hash, `hex(HMAC-SHA256(secret, user id))`, on the website's server. */
export const SERVER_SNIPPETS: readonly Snippet[] = [
  {
    label: "Node.js",
    code: [
      "const crypto = require('node:crypto');",
      `const secret = process.env.${SECRET_VARIABLE};`,
      "const userHash = crypto.createHmac('sha256', secret).update(userId).digest('hex');",
    ].join("\n"),
  },
  {
    label: "PHP",
    code: [`$secret = getenv('${SECRET_VARIABLE}');`, "$userHash = hash_hmac('sha256', $userId, $secret);"].join("\n"),
  },
  {
    label: "Python",
    code: [
      "import hashlib, hmac, os",
      `secret = os.environ["${SECRET_VARIABLE}"]`,
      "user_hash = hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()",
    ].join("\n"),
  },
];

/** What the page gives the widget: the id and hash from its server; name and email are optional. */
export const PAGE_SNIPPET: Snippet = {
  label: "Widget call",
  code: "ChatWidget.identify({ userId, userHash, name, email });",
};
