import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';

import { PasswordService } from '../auth/password.service';
import { UserRepository } from '../persistence/user.repository';

/**
 * Spec §5: the first superadmin comes from ADMIN_EMAIL / ADMIN_PASSWORD, an API-type superadmin
 * created once and never overwritten (changing the variables later changes nothing).
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);

  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordService,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.admin) return;
    const email = this.config.admin.email.toLowerCase();
    const passwordHash = await this.passwords.hash(this.config.admin.password);
    if (await this.users.createSuperadminOnce(email, passwordHash)) this.logger.log(`created the superadmin ${email}`);
  }
}
