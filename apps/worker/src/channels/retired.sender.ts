import type { ChannelSender } from './channel-sender';
import type { FlowdockConfig, HipChatConfig } from './channel-types';

/** Why nothing is sent to the shut-down services (research/formats.md §A.7, §A.8). */
export const RETIRED: Record<'HIP_CHAT' | 'FLOWDOCK', string> = {
  HIP_CHAT:
    'HipChat was shut down by its vendor (Atlassian ended HipChat Cloud on 2019-02-15): nothing can be delivered to HIP_CHAT',
  FLOWDOCK: 'Flowdock was shut down by its vendor in 2022: nothing can be delivered to FLOWDOCK',
};

/** HIP_CHAT and FLOWDOCK: configuration kept (§9), every delivery refused for good. */
export const retiredSender: ChannelSender<HipChatConfig | FlowdockConfig> = {
  build: (config) => ({ refused: RETIRED[config.type] }),
};
