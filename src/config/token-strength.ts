/**
 * Whether a secret is strong enough for production, by zxcvbn's estimate of how many guesses an
 * attacker needs (@zxcvbn-ts, with its common-password dictionary and keyboard patterns): length alone
 * passes `aaaaaaaaaaaaaaaa` and `password12345678`, which a guesser tries in the first thousand. Words
 * the attacker knows from this project (the development token, its name) count as known words, so the
 * development token with its case changed is as weak as the original.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

/**
 * 10^16 guesses (about 53 bits): a random 16-character token of letters, digits and symbols reaches it;
 * `openssl rand -hex 32` reaches about 10^64.
 */
export const MIN_GUESSES_LOG10 = 16;

let estimator: ZxcvbnFactory | undefined;

/** log10 of the estimated guesses needed to find `secret`. */
export function guessesLog10(secret: string, knownWords: string[] = []): number {
  // Built on first use: only a production start checks a secret, and the dictionaries take ~40 ms.
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(secret, knownWords).guessesLog10;
}

/**
 * What can travel in `Authorization: Bearer <token>`: visible ASCII without spaces. A token with a space
 * or a control character passes a length check and can never be sent; a non-ASCII one cannot be put in
 * a header by fetch at all.
 */
export function isHeaderSafeToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}
