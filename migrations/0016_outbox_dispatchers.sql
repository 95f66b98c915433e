CREATE TABLE `outbox_dispatchers` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `claimed_by` text;--> statement-breakpoint
-- Written by hand below (drizzle-kit does not generate triggers or data updates).
-- "unknown" (a crash while sending: never sent twice) is a status of its own, counted apart from
-- real failures: the per-day counts and the announcement report's trigger learn it.
DROP TRIGGER `outbox_days_insert`;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_insert` AFTER INSERT ON `outbox` WHEN new.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped') BEGIN
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  VALUES ((new.`due_at` + 25200000) / 86400000, coalesce((SELECT `province_code` FROM `people` WHERE `id` = new.`person_id`), ''), new.`channel`, new.`kind` = 'reminder', new.`status`, 1)
  ON CONFLICT DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
DROP TRIGGER `outbox_days_delete`;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_delete` AFTER DELETE ON `outbox` WHEN old.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped') BEGIN
  UPDATE `outbox_days` SET `count` = `count` - 1 WHERE `day` = (old.`due_at` + 25200000) / 86400000 AND `province_code` = coalesce((SELECT `province_code` FROM `people` WHERE `id` = old.`person_id`), '') AND `channel` = old.`channel` AND `reminder` = (old.`kind` = 'reminder') AND `status` = old.`status`;
END;
--> statement-breakpoint
DROP TRIGGER `outbox_days_update`;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_update` AFTER UPDATE OF `due_at`, `channel`, `kind`, `status`, `person_id` ON `outbox`
WHEN (old.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped') OR new.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped')) AND (
  (old.`due_at` + 25200000) / 86400000 IS NOT (new.`due_at` + 25200000) / 86400000 OR old.`channel` IS NOT new.`channel`
  OR (old.`kind` = 'reminder') IS NOT (new.`kind` = 'reminder') OR old.`status` IS NOT new.`status` OR old.`person_id` IS NOT new.`person_id`)
BEGIN
  UPDATE `outbox_days` SET `count` = `count` - 1 WHERE `day` = (old.`due_at` + 25200000) / 86400000 AND `province_code` = coalesce((SELECT `province_code` FROM `people` WHERE `id` = old.`person_id`), '') AND `channel` = old.`channel` AND `reminder` = (old.`kind` = 'reminder') AND `status` = old.`status` AND old.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped');
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  SELECT (new.`due_at` + 25200000) / 86400000, coalesce((SELECT `province_code` FROM `people` WHERE `id` = new.`person_id`), ''), new.`channel`, new.`kind` = 'reminder', new.`status`, 1 WHERE new.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped')
  ON CONFLICT DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
DROP TRIGGER `outbox_days_province`;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_province` AFTER UPDATE OF `province_code` ON `people`
WHEN old.`province_code` IS NOT new.`province_code`
BEGIN
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  SELECT (`due_at` + 25200000) / 86400000, coalesce(old.`province_code`, ''), `channel`, `kind` = 'reminder', `status`, -count(*) FROM `outbox`
  WHERE `person_id` = new.`id` AND `status` IN ('sent', 'late', 'failed', 'unknown', 'skipped') GROUP BY 1, 3, 4, 5
  ON CONFLICT DO UPDATE SET `count` = `count` + excluded.`count`;
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  SELECT (`due_at` + 25200000) / 86400000, coalesce(new.`province_code`, ''), `channel`, `kind` = 'reminder', `status`, count(*) FROM `outbox`
  WHERE `person_id` = new.`id` AND `status` IN ('sent', 'late', 'failed', 'unknown', 'skipped') GROUP BY 1, 3, 4, 5
  ON CONFLICT DO UPDATE SET `count` = `count` + excluded.`count`;
END;
--> statement-breakpoint
DROP TRIGGER `announcement_recipient_result`;
--> statement-breakpoint
CREATE TRIGGER `announcement_recipient_result` AFTER UPDATE OF `status` ON `outbox`
WHEN new.`kind` = 'announcement' AND new.`status` IN ('sent', 'late', 'failed', 'unknown', 'skipped', 'cancelled') AND old.`status` IS NOT new.`status`
BEGIN
  UPDATE `announcement_recipients`
     SET `outcome` = CASE WHEN new.`status` = 'skipped' AND new.`last_error` = 'the person blocked the assistant' THEN 'blocked_by_user' ELSE new.`status` END,
         `reason` = new.`last_error`, `sent_at` = new.`sent_at`
   WHERE `announcement_id` = CAST(substr(new.`event_key`, 14) AS INTEGER) AND `person_id` = new.`person_id`
     AND `channel` = new.`channel` AND `chat_id` = new.`chat_id`;
END;
--> statement-breakpoint
-- Rows a crash left "failed, outcome unknown" before this release move to the new status (the
-- triggers above move their counts and their announcement recipients' outcome with them).
UPDATE `outbox` SET `status` = 'unknown' WHERE `status` = 'failed' AND `last_error` LIKE 'outcome unknown%';
