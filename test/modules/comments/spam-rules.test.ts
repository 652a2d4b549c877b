import { describe, expect, it } from 'vitest';
import {
  blockedEmail,
  blockedIp,
  blockedWord,
  emailMatches,
  evaluate,
  honeypot,
  knownAuthor,
  links,
  moderationWord,
  type RuleSettings,
  verdictOf,
} from '../../../src/modules/comments/spam-rules.js';
import { normalizeIp } from '../../../src/shared/ip-hash.js';

const LINK_LIMITS = { linksModerate: 2, linksSpam: 5 };
const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://example.com/${i}`).join(' and ');

describe('honeypot', () => {
  it('calls any value in the hidden field spam', () => {
    expect(honeypot('http://bot.example')).toEqual({
      rule: 'honeypot',
      detail: 'the hidden website field was filled in',
      verdict: 'spam',
    });
  });

  it('ignores an absent or empty field', () => {
    expect(honeypot(undefined)).toBeNull();
    expect(honeypot('  ')).toBeNull();
  });
});

describe('links', () => {
  it('lets up to the moderation limit through', () => {
    expect(links(urls(2), LINK_LIMITS)).toBeNull();
  });

  it('holds a comment with more links than the moderation limit', () => {
    expect(links(urls(3), LINK_LIMITS)).toEqual({ rule: 'links', detail: '3 links, more than 2', verdict: 'pending' });
  });

  it('calls far more links spam', () => {
    expect(links(urls(6), LINK_LIMITS)).toEqual({ rule: 'links', detail: '6 links, more than 5', verdict: 'spam' });
  });

  it('counts bare www. hosts as links', () => {
    expect(links('www.a.example www.b.example www.c.example', LINK_LIMITS)?.detail).toBe('3 links, more than 2');
  });
});

describe('word lists', () => {
  it('blocks a listed word in the body, whatever its case', () => {
    expect(blockedWord({ authorName: 'Ann', body: 'Cheap CASINO here' }, ['casino'])).toEqual({
      rule: 'blocked_word',
      detail: 'contains "casino"',
      verdict: 'spam',
    });
  });

  it('blocks a listed word in the name', () => {
    expect(blockedWord({ authorName: 'casino king', body: 'hello' }, ['casino'])?.rule).toBe('blocked_word');
  });

  it('matches whole words only, in any script', () => {
    expect(blockedWord({ authorName: 'Ann', body: 'casinos and occasion' }, ['casino'])).toBeNull();
    expect(blockedWord({ authorName: 'Ann', body: 'un vrai kasinò ici' }, ['kasinò'])?.detail).toBe(
      'contains "kasinò"',
    );
  });

  it('sends a moderation-list word to the queue', () => {
    expect(moderationWord({ authorName: 'Ann', body: 'About crypto today' }, ['crypto'])).toEqual({
      rule: 'moderation_word',
      detail: 'contains "crypto"',
      verdict: 'pending',
    });
  });
});

describe('blockedEmail', () => {
  it('matches a glob pattern', () => {
    expect(blockedEmail('bot@spam.example', ['*@spam.example'])).toEqual({
      rule: 'blocked_email',
      detail: 'e-mail matches "*@spam.example"',
      verdict: 'spam',
    });
  });

  it('treats dots literally and anchors the pattern', () => {
    expect(blockedEmail('bot@spamxexample', ['*@spam.example'])).toBeNull();
    expect(blockedEmail('bot@spam.example.org', ['*@spam.example'])).toBeNull();
  });
});

describe('emailMatches', () => {
  it.each([
    ['bot@spam.example', '*@spam.example', true],
    ['BOT@Spam.Example', '*@spam.example', true],
    ['bot@spam.example', 'bot@spam.example', true],
    ['bot@spam.example', 'bot@*', true],
    ['bot@mail.spam.example', '*@*.spam.example', true],
    ['bot@spam.example', '*@*.spam.example', false],
    ['ab', 'a*b*', true],
    ['aXbYc', 'a*b*c', true],
    ['acb', 'a*b*c', false],
    ['abc', 'ab*bc', false],
    ['abbc', 'ab*bc', true],
    ['x', '*', true],
    ['', '*', true],
    ['a.b', 'a?b', false],
  ])('%s against %s: %s', (email, pattern, expected) => {
    expect(emailMatches(email, pattern)).toBe(expected);
  });

  it('answers at once for a long address against a pattern of many stars that almost matches', () => {
    // As a regular expression, ten `.*` on 254 characters backtracked for longer than any test waits.
    expect(emailMatches(`${'a'.repeat(250)}@b.c`, '*a*a*a*a*a*a*a*a*a*@x.example')).toBe(false);
  });
});

describe('blockedIp', () => {
  it('matches an address inside a CIDR range', () => {
    expect(blockedIp('203.0.113.77', ['203.0.113.0/24'])).toEqual({
      rule: 'blocked_ip',
      detail: 'IP address matches 203.0.113.0/24',
      verdict: 'spam',
    });
  });

  it('matches a single address, also when it arrives IPv4-mapped', () => {
    expect(blockedIp('::ffff:198.51.100.7', ['198.51.100.7'])?.rule).toBe('blocked_ip');
  });

  it('matches IPv6 ranges and leaves other addresses alone', () => {
    expect(blockedIp('2001:db8::1', ['2001:db8::/32'])?.rule).toBe('blocked_ip');
    expect(blockedIp('198.51.100.8', ['198.51.100.7', '2001:db8::/32'])).toBeNull();
  });

  it('normalizes mapped addresses only', () => {
    expect(normalizeIp('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
  });
});

describe('knownAuthor', () => {
  it('says nothing while auto-approval is off', () => {
    expect(knownAuthor(true, false)).toBeNull();
  });

  it('approves a known author and explains a first-time one', () => {
    expect(knownAuthor(true, true)).toEqual({
      rule: 'known_author',
      detail: 'an earlier comment with this e-mail and author key was approved',
      verdict: 'approved',
    });
    expect(knownAuthor(false, true)?.verdict).toBe('pending');
  });
});

describe('evaluate and verdictOf', () => {
  const settings: RuleSettings = {
    ...LINK_LIMITS,
    blockedWords: ['casino'],
    blockedEmails: [],
    blockedIps: [],
    moderationWords: ['crypto'],
  };
  const submission = { authorName: 'Ann', authorEmail: 'ann@example.com', body: 'Hello', ip: '192.0.2.1' };

  it('records every rule that fired, and spam wins', () => {
    const findings = evaluate({ ...submission, body: `crypto casino ${urls(3)}`, website: 'x' }, settings);
    expect(findings.map((f) => f.rule)).toEqual(['honeypot', 'blocked_word', 'links', 'moderation_word']);
    expect(verdictOf(findings)).toBe('spam');
  });

  it('waits for a moderator when nothing fired', () => {
    expect(evaluate(submission, settings)).toEqual([]);
    expect(verdictOf([])).toBe('pending');
  });

  it('lets a pending finding outweigh an approval', () => {
    const approvedOnly = [{ rule: 'known_author', detail: '', verdict: 'approved' as const }];
    expect(verdictOf(approvedOnly)).toBe('approved');
    expect(verdictOf([...approvedOnly, { rule: 'links', detail: '', verdict: 'pending' }])).toBe('pending');
  });
});
