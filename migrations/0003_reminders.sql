ALTER TABLE `exams` ADD `code` text;--> statement-breakpoint
ALTER TABLE `exams` ADD `status` text DEFAULT 'scheduled' NOT NULL;--> statement-breakpoint
ALTER TABLE `exams` ADD `preparation` text;--> statement-breakpoint
ALTER TABLE `exams` ADD `attendance_confirmed_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `exams_code_uq` ON `exams` (`code`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `event_key` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `label` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `claim_token` text;--> statement-breakpoint
CREATE INDEX `outbox_person_kind_idx` ON `outbox` (`person_id`,`kind`);--> statement-breakpoint
ALTER TABLE `registrations` ADD `attendance_confirmed_at` integer;