import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { Errors } from '@sluice/common';
import { QueueName } from '@sluice/queue';

import { Authenticated } from '../auth/authenticated.decorator';
import { PageQueryDto } from '../http/page-query.dto';
import { FAILED_JOB_QUEUES, FailedJobsService } from '../queue/failed-jobs.service';

class FailedJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FAILED_JOB_QUEUES })
  @IsOptional()
  @IsIn(FAILED_JOB_QUEUES, { message: `queue must be one of ${FAILED_JOB_QUEUES.join(', ')}` })
  queue?: QueueName;
}

@ApiTags('admin')
@Authenticated({ role: 'superadmin' })
@Controller('api/v1/admin/jobs/failed')
export class FailedJobsController {
  constructor(private readonly failed: FailedJobsService) {}

  @Get()
  @ApiOperation({ summary: 'Jobs that failed for good (dead letters), with their reason' })
  list(@Query() q: FailedJobsQueryDto) {
    return this.failed.list(q.queue, q.pageNum, q.itemsPerPage);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay a failed job; processing is idempotent, so a replay never double counts' })
  async retry(@Param('id') id: string) {
    const job = await this.failed.retry(id);
    if (!job) throw Errors.notFound('Failed job not found');
    return { message: 'Job queued for retry', job };
  }
}
