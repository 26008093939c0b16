/**
 * A website's domain verification in words (api.md §11.1): where to publish the token (a file
 * or a meta tag), a domain's status, and one sentence per reason a check failed, for its owner.
 */

import type { DomainCheck, DomainView, VerificationFailure, VerificationMethod } from "../../../sdk/src/index";

/** Where the file goes on the site (over https, or http when the site has no https). */
export const VERIFICATION_FILE_PATH = "/.well-known/chat-verification.txt";

/** What goes in the home page's `<head>` instead of the file. */
export function verificationMetaTag(token: string): string {
  return `<meta name="chat-verification" content="${token}">`;
}

/** The file's address on `domain`, for the instructions (https first, as the check tries). */
export function verificationFileUrl(domain: string): string {
  return `https://${domain}${VERIFICATION_FILE_PATH}`;
}

const METHOD: Record<VerificationMethod, string> = {
  well_known_file: "file",
  meta_tag: "meta tag",
};

const FAILURE: Record<VerificationFailure, string> = {
  token_not_found: "The site answered, but publishes no token: neither the file nor the meta tag was found.",
  token_mismatch: "The site publishes a token, but not this domain's (an old one?).",
  not_text: "The file is not plain text: the site seems to answer every address with its page.",
  too_large: "The file is larger than 64 KiB.",
  bad_status: "The site answered with an error status.",
  too_many_redirects: "The site redirects more than 3 times, or in a loop.",
  timeout: "The site did not answer in time.",
  unreachable: "The site could not be reached over https or http.",
  forbidden_address:
    "The domain leads to a private or reserved address, or to a port other than 80 and 443, which is never fetched.",
};

/** Why a check failed, as a sentence. */
export function failureSentence(failure: VerificationFailure): string {
  return FAILURE[failure];
}

/** `Verified via file`, `Verified via meta tag`. */
export function verifiedText(method: VerificationMethod | null): string {
  return method === null ? "Verified" : `Verified via ${METHOD[method]}`;
}

/** A domain's state as its row shows it. */
export function domainStatusText(domain: Pick<DomainView, "status" | "method" | "failure">): string {
  switch (domain.status) {
    case "pending":
      return "Pending: not checked yet";
    case "verified":
      return verifiedText(domain.method);
    case "failed":
      return `Failed: ${domain.failure === null ? "the last check did not find the token." : failureSentence(domain.failure)}`;
  }
}

/** Whether the domain as read shows what `check` found (the read model trails the check). */
export function showsCheck(domain: DomainView, check: DomainCheck): boolean {
  return check.verified
    ? domain.status === "verified" && domain.method === check.method
    : domain.status === "failed" && domain.failure === check.failure;
}

/** A website's domains in its list entry: `No domains yet`, `2 of 3 domains verified`. */
export function domainCountText(verified: number, total: number): string {
  if (total === 0) return "No domains yet";
  return `${verified} of ${total} ${total === 1 ? "domain" : "domains"} verified`;
}
