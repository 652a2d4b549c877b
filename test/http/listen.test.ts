import { describe, expect, it } from 'vitest';
import { listenFailure, listeningLine } from '../../src/http/listen.js';

const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('listeningLine', () => {
  it('gives the URL of the API and of its docs', () => {
    expect(listeningLine('http://127.0.0.1:3000')).toBe(
      'Fjord listening on http://127.0.0.1:3000 — API docs at http://127.0.0.1:3000/docs',
    );
    expect(listeningLine('http://[::1]:8080')).toBe(
      'Fjord listening on http://[::1]:8080 — API docs at http://[::1]:8080/docs',
    );
  });

  it('shows the IPv6 wildcard as localhost, which a browser opens', () => {
    expect(listeningLine('http://[::]:3000')).toBe(
      'Fjord listening on http://localhost:3000 — API docs at http://localhost:3000/docs',
    );
  });
});

describe('listenFailure', () => {
  const where = { PORT: 3000, HOST: '127.0.0.1' };

  it('names the port and PORT when the port is taken, with the exit code for a retry later', () => {
    expect(listenFailure(errno('EADDRINUSE'), where)).toEqual({
      line: 'port 3000 on 127.0.0.1 is already in use by another process: stop that process, or set PORT to a free port',
      exitCode: 75,
    });
  });

  it('names the variable to change when the port or the host cannot be had', () => {
    expect(listenFailure(errno('EACCES'), { PORT: 80, HOST: '0.0.0.0' })).toEqual({
      line: 'port 80 needs privileges this process does not have: set PORT to 1024 or above',
      exitCode: 78,
    });
    expect(listenFailure(errno('EACCES'), { PORT: 1023, HOST: '0.0.0.0' })).toEqual({
      line: 'port 1023 needs privileges this process does not have: set PORT to 1024 or above',
      exitCode: 78,
    });
    expect(listenFailure(errno('EACCES'), { PORT: 1024, HOST: '0.0.0.0' })).toEqual({
      line: 'this process may not listen on 0.0.0.0 port 1024: set PORT or HOST to another',
      exitCode: 78,
    });
    expect(listenFailure(errno('EACCES'), where)).toEqual({
      line: 'this process may not listen on 127.0.0.1 port 3000: set PORT or HOST to another',
      exitCode: 78,
    });
    expect(listenFailure(errno('EADDRNOTAVAIL'), { PORT: 3000, HOST: '203.0.113.9' })).toEqual({
      line: 'HOST=203.0.113.9 is not an address of this machine: set HOST to one of its addresses, such as 127.0.0.1, or 0.0.0.0 for all',
      exitCode: 78,
    });
    expect(listenFailure(errno('ENOTFOUND'), { PORT: 3000, HOST: 'nowhere.invalid' })).toEqual({
      line: 'HOST=nowhere.invalid does not resolve to an address: set HOST to an address, such as 127.0.0.1, or 0.0.0.0 for all',
      exitCode: 78,
    });
  });

  it('says the same of a host whose lookup failed for now as of one that does not resolve', () => {
    expect(listenFailure(errno('EAI_AGAIN'), { PORT: 3000, HOST: 'db.internal' })).toEqual({
      line: 'HOST=db.internal does not resolve to an address: set HOST to an address, such as 127.0.0.1, or 0.0.0.0 for all',
      exitCode: 78,
    });
  });

  it('leaves any other error to the caller', () => {
    expect(listenFailure(errno('EMFILE'), where)).toBeNull();
    expect(listenFailure(new Error('boom'), where)).toBeNull();
    expect(listenFailure(undefined, where)).toBeNull();
  });
});
