/** Everything the widget says, in English and German (the widget's `language`, api.md §11.2). */

import type { SystemKind } from "./timeline";

export interface Strings {
  openChat: string;
  closeChat: string;
  unread: (count: number) => string;
  chatWith: (name: string) => string;
  replyTime: string;
  away: string;
  greeting: string;
  messageLabel: string;
  placeholder: string;
  send: string;
  agentTyping: string;
  you: string;
  agent: string;
  sending: string;
  sent: string;
  delivered: string;
  read: string;
  failed: string;
  retry: string;
  deleted: string;
  edited: string;
  system: Record<SystemKind, string>;
  askName: string;
  nameLabel: string;
  emailLabel: string;
  startChat: string;
  reconnecting: string;
  sendProblem: string;
  rateLimited: string;
  earlier: string;
  conversation: string;
}

const EN: Strings = {
  openChat: "Open chat",
  closeChat: "Close chat",
  unread: (count) => (count === 1 ? "1 unread message" : `${count} unread messages`),
  chatWith: (name) => `Chat with ${name}`,
  replyTime: "We typically reply in a few minutes",
  away: "We're away right now — leave a message and we'll get back to you",
  greeting: "Hi! How can we help?",
  messageLabel: "Message",
  placeholder: "Write a message…",
  send: "Send",
  agentTyping: "Agent is typing…",
  you: "You",
  agent: "Agent",
  sending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent",
  retry: "Send again",
  deleted: "This message was deleted.",
  edited: "edited",
  system: {
    assigned: "An agent joined the conversation",
    resolved: "Conversation resolved",
    reopened: "Conversation reopened",
  },
  askName: "Before we start: what's your name?",
  nameLabel: "Your name",
  emailLabel: "Your email (optional, for our answer if you leave)",
  startChat: "Start chat",
  reconnecting: "Reconnecting…",
  sendProblem: "Your message could not be sent. Please try again.",
  rateLimited: "Too many attempts. Please wait a moment and try again.",
  earlier: "Show earlier messages",
  conversation: "Conversation",
};

const DE: Strings = {
  openChat: "Chat öffnen",
  closeChat: "Chat schließen",
  unread: (count) => (count === 1 ? "1 ungelesene Nachricht" : `${count} ungelesene Nachrichten`),
  chatWith: (name) => `Chat mit ${name}`,
  replyTime: "Wir antworten meist innerhalb weniger Minuten",
  away: "Wir sind gerade nicht da – hinterlassen Sie eine Nachricht, wir melden uns bei Ihnen",
  greeting: "Hallo! Wie können wir helfen?",
  messageLabel: "Nachricht",
  placeholder: "Nachricht schreiben…",
  send: "Senden",
  agentTyping: "Ein Mitarbeiter schreibt…",
  you: "Sie",
  agent: "Mitarbeiter",
  sending: "Wird gesendet…",
  sent: "Gesendet",
  delivered: "Zugestellt",
  read: "Gelesen",
  failed: "Nicht gesendet",
  retry: "Erneut senden",
  deleted: "Diese Nachricht wurde gelöscht.",
  edited: "bearbeitet",
  system: {
    assigned: "Ein Mitarbeiter ist dem Gespräch beigetreten",
    resolved: "Gespräch abgeschlossen",
    reopened: "Gespräch wieder geöffnet",
  },
  askName: "Bevor es losgeht: Wie heißen Sie?",
  nameLabel: "Ihr Name",
  emailLabel: "Ihre E-Mail (optional, für unsere Antwort, falls Sie gehen)",
  startChat: "Chat starten",
  reconnecting: "Verbindung wird wiederhergestellt…",
  sendProblem: "Ihre Nachricht konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
  rateLimited: "Zu viele Versuche. Bitte warten Sie einen Moment.",
  earlier: "Frühere Nachrichten anzeigen",
  conversation: "Gespräch",
};

export function strings(language: "en" | "de"): Strings {
  return language === "de" ? DE : EN;
}
