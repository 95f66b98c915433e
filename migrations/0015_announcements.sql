CREATE TABLE `announcement_recipients` (
	`announcement_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`channel` text NOT NULL,
	`chat_id` text NOT NULL,
	`reach` text NOT NULL,
	`outcome` text,
	`reason` text,
	`due_at` integer,
	`sent_at` integer,
	PRIMARY KEY(`announcement_id`, `person_id`, `channel`, `chat_id`),
	FOREIGN KEY (`announcement_id`) REFERENCES `announcements`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `announcement_recipients_outcome_idx` ON `announcement_recipients` (`announcement_id`,`reach`,`outcome`);--> statement-breakpoint
CREATE INDEX `announcement_recipients_person_idx` ON `announcement_recipients` (`person_id`);--> statement-breakpoint
CREATE TABLE `announcements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`actor` text NOT NULL,
	`staff_id` integer,
	`region_id` integer,
	`criteria` text NOT NULL,
	`text_id` text NOT NULL,
	`text_en` text,
	`urgent` integer DEFAULT false NOT NULL,
	`local_date` text,
	`local_time` text,
	`start_at` integer,
	`expires_at` integer,
	`queued_through` integer DEFAULT 0 NOT NULL,
	`dedupe_key` text NOT NULL,
	`rolled_to` integer,
	`totals` text,
	`queued_at` integer,
	`finished_at` integer,
	`cancelled_at` integer,
	`cancelled_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`region_id`) REFERENCES `regions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `announcements_code_unique` ON `announcements` (`code`);--> statement-breakpoint
CREATE INDEX `announcements_status_idx` ON `announcements` (`status`,`start_at`);--> statement-breakpoint
CREATE INDEX `announcements_region_created_idx` ON `announcements` (`region_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `announcements_dedupe_uq` ON `announcements` (`dedupe_key`) WHERE "announcements"."status" not in ('done', 'cancelled');--> statement-breakpoint
CREATE TABLE `outbox_cap_days` (
	`channel` text NOT NULL,
	`day` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`channel`, `day`)
);
--> statement-breakpoint
ALTER TABLE `channel_identities` ADD `announcements_off_at` integer;--> statement-breakpoint
ALTER TABLE `channel_identities` ADD `wrote_at` integer;--> statement-breakpoint
CREATE INDEX `outbox_announcement_idx` ON `outbox` (`event_key`,`status`) WHERE "outbox"."kind" = 'announcement';--> statement-breakpoint
-- Written by hand below (drizzle-kit does not generate triggers or data updates).
-- A linked chat has written to the assistant (links are only made inside the chat's own turn), and
-- so has a WhatsApp account whose LID a message revealed: WhatsApp announcements may go to them.
UPDATE `channel_identities` SET `wrote_at` = coalesce(`linked_at`, `created_at`) WHERE `linked_at` IS NOT NULL OR `alt_user_id` IS NOT NULL;
--> statement-breakpoint
-- The report follows the outbox: an announcement row's final state is copied to its recipient row.
-- A failed try that goes back to pending for a retry is not final and is not copied.
CREATE TRIGGER `announcement_recipient_result` AFTER UPDATE OF `status` ON `outbox`
WHEN new.`kind` = 'announcement' AND new.`status` IN ('sent', 'late', 'failed', 'skipped', 'cancelled') AND old.`status` IS NOT new.`status`
BEGIN
  UPDATE `announcement_recipients`
     SET `outcome` = CASE WHEN new.`status` = 'skipped' AND new.`last_error` = 'the person blocked the assistant' THEN 'blocked_by_user' ELSE new.`status` END,
         `reason` = new.`last_error`, `sent_at` = new.`sent_at`
   WHERE `announcement_id` = CAST(substr(new.`event_key`, 14) AS INTEGER) AND `person_id` = new.`person_id`
     AND `channel` = new.`channel` AND `chat_id` = new.`chat_id`;
END;
--> statement-breakpoint
-- The WhatsApp daily cap counts an announcement when its send starts (queued → claimed): an attempt
-- whose outcome a crash leaves unknown still counted against the number's day (WIB).
CREATE TRIGGER `outbox_cap_count` AFTER UPDATE OF `status` ON `outbox`
WHEN new.`kind` = 'announcement' AND new.`channel` = 'whatsapp' AND old.`status` = 'queued' AND new.`status` = 'claimed'
BEGIN
  INSERT INTO `outbox_cap_days` (`channel`, `day`, `count`) VALUES ('whatsapp', (new.`claimed_at` + 25200000) / 86400000, 1)
  ON CONFLICT DO UPDATE SET `count` = `count` + 1;
END;
