/** The login screen until there is a login, then the chat; a lost login goes back to the first. */

import { useEffect, useState } from "preact/hooks";

import { createApi, startModel } from "../connect";
import type { ChatModel } from "../model/chat-model";
import { ChatScreen } from "./ChatScreen";
import { LoginScreen } from "./LoginScreen";

export function App({ gateways }: { gateways: Promise<string[]> }) {
  const [model, setModel] = useState<ChatModel | null>(null);
  const [api] = useState(() => createApi(() => setModel(null)));
  // Logged in, waiting for the gateways to be known (a moment, at most the config's timeout).
  const [starting, setStarting] = useState(() => api.userId !== null);
  const connect = () => {
    setStarting(true);
    void gateways.then((urls) => {
      setModel(startModel(api, urls));
      setStarting(false);
    });
  };

  useEffect(() => {
    if (api.userId !== null) connect();
  }, [api, gateways]);
  useEffect(() => () => model?.stop(), [model]);

  if (model === null && starting) return <main class="login">Connecting…</main>;
  if (model === null) return <LoginScreen api={api} onLoggedIn={connect} />;
  const logOut = () => {
    setModel(null);
    location.hash = "#/";
    api.logout().catch(() => undefined);
  };
  return <ChatScreen model={model} onLogOut={logOut} />;
}
