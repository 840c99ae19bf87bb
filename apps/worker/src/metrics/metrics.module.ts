import { Module } from '@nestjs/common';

import { MetricWriter } from './metric.writer';
import { MetricsProcessor } from './metrics.processor';

/** Spec §2.2: stores metric samples. */
@Module({ providers: [MetricWriter, MetricsProcessor] })
export class MetricsModule {}
