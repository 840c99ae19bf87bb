import { SHUT_DOWN_CHANNELS } from '@sluice/contracts';

import type { ChannelSender } from './channel-sender';
import type { FlowdockConfig, HipChatConfig } from './channel-types';

/** HIP_CHAT and FLOWDOCK: configuration kept (§9), every delivery refused for good. */
export const retiredSender: ChannelSender<HipChatConfig | FlowdockConfig> = {
  build: (config) => ({ refused: SHUT_DOWN_CHANNELS[config.type]! }),
};
