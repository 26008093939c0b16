/** Log in, or create an account (which logs in too). */

import { useState } from "preact/hooks";

import { type ChatApi, ChatApiError } from "../../../sdk/src/index";
import { ThemeToggle } from "./ThemeToggle";

interface Props {
  api: ChatApi;
  onLoggedIn: () => void;
}

export function LoginScreen({ api, onLoggedIn }: Props) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const register = (event.submitter as HTMLButtonElement | null)?.value === "register";
    setBusy(true);
    setProblem(null);
    try {
      if (register) await api.register({ username, password });
      else await api.login(username, password);
      onLoggedIn();
    } catch (error) {
      setProblem(error instanceof ChatApiError ? error.message : "The server cannot be reached.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <div class="login-card">
        <h1>Chat</h1>
        <form onSubmit={(event) => void submit(event)}>
          <label for="login-username">Username</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
          <label for="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
          {problem !== null && <p role="alert" class="problem">{problem}</p>}
          <div class="login-actions">
            <button type="submit" value="login" disabled={busy}>
              Log in
            </button>
            <button type="submit" value="register" class="secondary" disabled={busy}>
              Create account
            </button>
          </div>
        </form>
        <ThemeToggle />
      </div>
    </main>
  );
}
