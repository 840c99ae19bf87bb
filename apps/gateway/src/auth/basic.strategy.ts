import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy as PassportBasicStrategy } from 'passport-http';

import { UserRepository } from '../persistence/user.repository';
import { LoginThrottle } from '../rate-limit/login-throttle.service';
import { AccessCache } from './access-cache.service';
import { PasswordService } from './password.service';
import type { Principal } from './principal';

/** What passport gives a strategy while it authenticates one request. */
interface PassportActions {
  success(user: unknown): void;
  fail(challenge?: string): void;
  error(err: unknown): void;
}

const CHALLENGE = 'Basic realm="Users"';

/**
 * `Basic base64(email:password)` as RFC 7617 has it: the scheme in any case, and only the first
 * colon separates the email from the password, which may itself contain colons.
 */
export function basicCredentials(header: string | undefined): { email: string; password: string } | undefined {
  const match = /^Basic +(\S+) *$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1 || colon === decoded.length - 1) return undefined;
  return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * HTTP Basic `email:password` (token API, ITSM callbacks): every password check of the gateway.
 * Unknown, disabled and wrong-password logins all fail the same way, so nobody can probe which
 * emails exist; each attempt first passes the login brakes (LoginThrottle), which refuse it
 * with 429 before any database read or password hash.
 */
@Injectable()
export class BasicStrategy extends PassportStrategy(PassportBasicStrategy, 'basic') {
  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    private readonly access: AccessCache,
    private readonly throttle: LoginThrottle,
  ) {
    super();
  }

  /**
   * Replaces passport-http 0.3's header parsing, which splits the credentials on every colon (a
   * password with a colon could never log in) and takes any scheme that contains "Basic".
   */
  authenticate(req: { headers: { authorization?: string }; ip?: string }): void {
    const passport = this as unknown as PassportActions;
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials) return passport.fail(CHALLENGE);
    this.braked(credentials.email, credentials.password, req.ip ?? 'unknown').then(
      (user) => (user ? passport.success(user) : passport.fail(CHALLENGE)),
      (err: unknown) => passport.error(err),
    );
  }

  /** validate(), counted by the login brakes; their 429 reaches the guard as the error. */
  private async braked(email: string, password: string, ip: string): Promise<Principal | false> {
    const attempt = await this.throttle.attempt(email, ip);
    let user: Principal | false;
    try {
      user = await this.validate(email, password);
    } catch (err) {
      await attempt.settle('error');
      throw err;
    }
    await attempt.settle(user ? 'success' : 'failure');
    return user;
  }

  async validate(email: string, password: string): Promise<Principal | false> {
    const user = await this.users.login(email.trim().toLowerCase());
    const ok = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !ok || user.disabled) return false;
    return (await this.access.principalById(user.id)) ?? false;
  }
}
