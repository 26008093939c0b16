/**
 * The widget's routes (`sdk/src/visitor.ts`, api.md §12.1) checked against the server's OpenAPI
 * document, as `matches-openapi.ts` checks `contract.ts`: every type converts both ways to and
 * from its schema in `docs/openapi.json` (`npm run generate` → `sdk/generated/openapi.ts`), so a
 * field added, removed, renamed, made nullable or optional on either side fails `tsc`. Only
 * type-checked; nothing here runs.
 */

import type { components } from "../../generated/openapi";
import type * as V from "../../src/visitor";

type S = components["schemas"];

/** Compiles only if `A` and `B` are assignable to each other. */
function same<A, B>(toSpec: (value: A) => B, fromSpec: (value: B) => A): void {
  void toSpec;
  void fromSpec;
}
const both = <T>(value: T): T => value;

same<V.WidgetView, S["WidgetView"]>(both, both);
same<V.CreateVisitorRequest, S["ArriveRequest"]>(both, both);
same<V.VisitorSession, S["VisitorSession"]>(both, both);
same<V.VisitorConversation, S["VisitorConversation"]>(both, both);
same<V.VisitorConversations, S["VisitorConversations"]>(both, both);
same<V.StartConversationRequest, S["StartRequest"]>(both, both);
same<V.StartedConversation, S["StartedConversation"]>(both, both);
same<V.IdentifyRequest, S["IdentifyRequest"]>(both, both);
