/** The login screen until there is a login, then the chat; a lost login goes back to the first. */

import { useEffect, useState } from "preact/hooks";

import { createApi, startModel } from "../connect";
import type { ChatModel } from "../model/chat-model";
import { ChatScreen } from "./ChatScreen";
import { LoginScreen } from "./LoginScreen";

export function App({ gateways }: { gateways: readonly string[] }) {
  const [model, setModel] = useState<ChatModel | null>(null);
  const [api] = useState(() => createApi(() => setModel(null)));

  useEffect(() => {
    if (api.userId !== null) setModel(startModel(api, gateways));
  }, [api, gateways]);
  useEffect(() => () => model?.stop(), [model]);

  if (model === null) return <LoginScreen api={api} onLoggedIn={() => setModel(startModel(api, gateways))} />;
  const logOut = () => {
    setModel(null);
    location.hash = "#/";
    api.logout().catch(() => undefined);
  };
  return <ChatScreen model={model} onLogOut={logOut} />;
}
