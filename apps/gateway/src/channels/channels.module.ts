import { Module } from '@nestjs/common';

import { PersistenceModule } from '../persistence/persistence.module';
import { ChannelTestService } from './channel-test.service';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

@Module({
  imports: [PersistenceModule],
  controllers: [ChannelsController],
  providers: [ChannelsService, ChannelTestService],
  exports: [ChannelsService],
})
export class ChannelsModule {}
