import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SLUICE_CONFIG, SluiceConfig } from '@sluice/config';
import { PrismaService } from '@sluice/database';
import { PasswordService } from '../auth/password.service';

/**
 * Spec §5: the first superadmin comes from ADMIN_EMAIL / ADMIN_PASSWORD, an API-type superadmin
 * created once and never overwritten (changing the variables later changes nothing).
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: PasswordService,
    @Inject(SLUICE_CONFIG) private readonly config: SluiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.admin) return;
    const email = this.config.admin.email.toLowerCase();
    const passwordHash = await this.passwords.hash(this.config.admin.password);
    // ON CONFLICT DO NOTHING: concurrent gateway processes race safely, and an existing user stays as it is.
    const created = await this.prisma.$executeRaw`
      INSERT INTO users (id, email, name, password_hash, type, is_superadmin)
      VALUES (gen_random_uuid(), ${email}, 'Administrator', ${passwordHash}, 'API', true)
      ON CONFLICT (email) DO NOTHING`;
    if (created > 0) this.logger.log(`created the superadmin ${email}`);
  }
}
