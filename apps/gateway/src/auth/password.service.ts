import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

import { PASSWORD_HASHING as OPTIONS } from '@sluice/config';

@Injectable()
export class PasswordService {
  // Verified against when the email is unknown, so that a login takes as long either way.
  private readonly decoy = argon2.hash('decoy password, never matches', OPTIONS);

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
