/**
 * Wiring of the SDK for this page: the REST client on the page's origin with its login kept in
 * `localStorage`, and, once logged in, a session over the configured gateways whose resume
 * positions and outbox are kept per user in `localStorage` too (a reload resumes and resends).
 */

import { ChatApi, ChatSession, webStorageStores } from "../../sdk/src/index";
import { loadCredentials, saveCredentials } from "./credentials";
import { ChatModel } from "./model/chat-model";

export function createApi(onAuthLost: () => void): ChatApi {
  return new ChatApi({
    baseUrl: location.origin,
    credentials: loadCredentials(localStorage),
    onCredentials: (credentials) => saveCredentials(localStorage, credentials),
    onAuthLost,
  });
}

/** The logged-in user's model, connecting. */
export function startModel(api: ChatApi, gateways: readonly string[]): ChatModel {
  const stores = webStorageStores(localStorage, `chat:${api.userId ?? ""}`);
  const session = new ChatSession({ url: gateways, api, ...stores });
  const model = new ChatModel(api, session);
  model.start();
  return model;
}
