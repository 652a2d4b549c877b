import { BlockList, isIPv4 } from 'node:net';
import { normalizeIp } from '../../shared/ip-hash.js';
import { findLinks } from './text.js';

/**
 * Every rule is a pure function of the comment and the settings. A rule that fires returns the
 * reason recorded on the comment ({rule, detail}) and the verdict it asks for; the strictest
 * verdict wins, and every reason is kept so a moderator sees why.
 */
export type Verdict = 'spam' | 'pending' | 'approved';
export interface Reason {
  rule: string;
  detail: string;
}
export interface Finding extends Reason {
  verdict: Verdict;
}

export interface RuleSettings {
  linksModerate: number;
  linksSpam: number;
  blockedWords: string[];
  blockedEmails: string[];
  blockedIps: string[];
  moderationWords: string[];
}

export interface Submission {
  authorName: string;
  /** Lower-cased. */
  authorEmail: string;
  body: string;
  website?: string | undefined;
  ip: string;
}

/** A hidden form field: people leave it empty, bots fill in every field they see. */
export function honeypot(website: string | undefined): Finding | null {
  if (website === undefined || website.trim() === '') return null;
  return { rule: 'honeypot', detail: 'the hidden website field was filled in', verdict: 'spam' };
}

export function links(
  body: string,
  { linksModerate, linksSpam }: Pick<RuleSettings, 'linksModerate' | 'linksSpam'>,
): Finding | null {
  const n = findLinks(body).length;
  const noun = n === 1 ? 'link' : 'links';
  if (n > linksSpam) return { rule: 'links', detail: `${n} ${noun}, more than ${linksSpam}`, verdict: 'spam' };
  if (n > linksModerate)
    return { rule: 'links', detail: `${n} ${noun}, more than ${linksModerate}`, verdict: 'pending' };
  return null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first listed word that appears as a whole word (any case, any script) in one of the texts. */
export function firstWord(texts: string[], words: string[]): string | null {
  for (const word of words) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, 'iu');
    if (texts.some((text) => pattern.test(text))) return word;
  }
  return null;
}

export function blockedWord(s: Pick<Submission, 'authorName' | 'body'>, words: string[]): Finding | null {
  const word = firstWord([s.authorName, s.body], words);
  return word === null ? null : { rule: 'blocked_word', detail: `contains "${word}"`, verdict: 'spam' };
}

export function moderationWord(s: Pick<Submission, 'authorName' | 'body'>, words: string[]): Finding | null {
  const word = firstWord([s.authorName, s.body], words);
  return word === null ? null : { rule: 'moderation_word', detail: `contains "${word}"`, verdict: 'pending' };
}

/**
 * `*` matches any run of characters; everything else matches itself, in any case. Matched piece by
 * piece, leftmost first, in one pass: as a regular expression each `*` was a `.*`, and a pattern
 * with several of them backtracked polynomially on a long address that almost matched.
 */
export function emailMatches(email: string, pattern: string): boolean {
  const text = email.toLowerCase();
  const pieces = pattern.toLowerCase().split('*');
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return text === first;
  const last = pieces.at(-1) ?? '';
  const end = text.length - last.length;
  if (end < first.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

export function blockedEmail(email: string, patterns: string[]): Finding | null {
  const pattern = patterns.find((p) => emailMatches(email, p));
  return pattern === undefined
    ? null
    : { rule: 'blocked_email', detail: `e-mail matches "${pattern}"`, verdict: 'spam' };
}

export function ipMatches(ip: string, pattern: string): boolean {
  const address = normalizeIp(ip);
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  const [base = '', prefix] = pattern.split('/');
  const patternFamily = isIPv4(base) ? 'ipv4' : 'ipv6';
  if (family !== patternFamily) return false;
  const list = new BlockList();
  if (prefix === undefined) list.addAddress(base, patternFamily);
  else list.addSubnet(base, Number(prefix), patternFamily);
  try {
    return list.check(address, family);
  } catch {
    return false;
  }
}

export function blockedIp(ip: string, patterns: string[]): Finding | null {
  const pattern = patterns.find((p) => ipMatches(ip, p));
  return pattern === undefined
    ? null
    : { rule: 'blocked_ip', detail: `IP address matches ${pattern}`, verdict: 'spam' };
}

/**
 * Only with auto-approval on: an author (by e-mail) with an approved comment is trusted; a
 * first-time author is told apart too, so the queue says why a comment waits.
 */
export function knownAuthor(hasApprovedComment: boolean, autoApproveKnown: boolean): Finding | null {
  if (!autoApproveKnown) return null;
  return hasApprovedComment
    ? {
        rule: 'known_author',
        detail: 'an earlier comment with this e-mail and author key was approved',
        verdict: 'approved',
      }
    : {
        rule: 'first_comment',
        detail: 'no earlier approved comment with this e-mail and author key',
        verdict: 'pending',
      };
}

/** Runs every content rule; the order is the order reasons are recorded in. */
export function evaluate(s: Submission, settings: RuleSettings): Finding[] {
  return [
    honeypot(s.website),
    blockedEmail(s.authorEmail, settings.blockedEmails),
    blockedIp(s.ip, settings.blockedIps),
    blockedWord(s, settings.blockedWords),
    links(s.body, settings),
    moderationWord(s, settings.moderationWords),
  ].filter((f): f is Finding => f !== null);
}

/** Spam beats pending beats approved; with no finding at all a comment waits for a moderator. */
export function verdictOf(findings: Finding[]): Verdict {
  if (findings.some((f) => f.verdict === 'spam')) return 'spam';
  if (findings.some((f) => f.verdict === 'pending')) return 'pending';
  if (findings.some((f) => f.verdict === 'approved')) return 'approved';
  return 'pending';
}
