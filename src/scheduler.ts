/** Runs the periodic jobs with node-cron; a run never overlaps the previous one of the same job. */
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'

export type Job = { name: string; cron: string; run: () => unknown }

export function startScheduler(jobs: Job[], logger: Logger) {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.cron,
      async () => {
        try {
          const result = await job.run()
          logger.debug({ job: job.name, result }, 'job finished')
        } catch (error) {
          logger.error({ err: error, job: job.name }, 'job failed')
        }
      },
      { name: job.name, noOverlap: true },
    ),
  )
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()))
    },
  }
}
