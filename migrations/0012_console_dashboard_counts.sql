CREATE TABLE `outbox_days` (
	`day` integer NOT NULL,
	`province_code` text NOT NULL,
	`channel` text NOT NULL,
	`reminder` integer NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `province_code`, `channel`, `reminder`, `status`)
);
--> statement-breakpoint
DROP INDEX `outbox_day_cover_idx`;--> statement-breakpoint
ALTER TABLE `people` ADD `current_stage` text;--> statement-breakpoint
ALTER TABLE `people` ADD `stages_reached` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `people_province_stage_idx` ON `people` (`province_code`,`current_stage`,`stages_reached`);--> statement-breakpoint
-- Written by hand below (drizzle-kit does not generate triggers): the dashboard's kept counts.
-- people.current_stage / stages_reached follow certification_stages, outbox_days follows outbox and
-- the people's provinces, in the writer's transaction, so every writer stays right unchanged.
-- The stage bits are CERTIFICATION_STAGES' order (src/db/schema.ts); the day is WIB (UTC+7); the
-- outbox statuses counted are the outcomes the dashboard shows (OUTBOX_DAY_STATUSES), so a message
-- waiting, queued, claimed or cancelled costs its writer only the trigger's check of the status.
UPDATE `people` SET `current_stage` = (SELECT `stage` FROM `certification_stages` WHERE `person_id` = `people`.`id` ORDER BY `reached_at` DESC, `id` DESC LIMIT 1), `stages_reached` = (SELECT coalesce(sum(DISTINCT CASE `stage` WHEN 'terdaftar' THEN 1 WHEN 'seleksi_administrasi' THEN 2 WHEN 'bimtek' THEN 4 WHEN 'ujian_kognitif' THEN 8 WHEN 'portofolio' THEN 16 WHEN 'wawancara' THEN 32 WHEN 'kompeten' THEN 64 WHEN 'belum_kompeten' THEN 128 WHEN 'sertifikat_terbit' THEN 256 WHEN 'kedaluwarsa' THEN 512 ELSE 0 END), 0) FROM `certification_stages` WHERE `person_id` = `people`.`id`)
WHERE `id` IN (SELECT `person_id` FROM `certification_stages`);
--> statement-breakpoint
INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
SELECT (o.`due_at` + 25200000) / 86400000, coalesce(p.`province_code`, ''), o.`channel`, o.`kind` = 'reminder', o.`status`, count(*)
FROM `outbox` o LEFT JOIN `people` p ON p.`id` = o.`person_id` WHERE o.`status` IN ('sent', 'late', 'failed', 'skipped') GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
CREATE TRIGGER `certification_stages_kept_insert` AFTER INSERT ON `certification_stages` BEGIN
  UPDATE `people` SET `current_stage` = (SELECT `stage` FROM `certification_stages` WHERE `person_id` = new.`person_id` ORDER BY `reached_at` DESC, `id` DESC LIMIT 1),
    `stages_reached` = `stages_reached` | (CASE new.`stage` WHEN 'terdaftar' THEN 1 WHEN 'seleksi_administrasi' THEN 2 WHEN 'bimtek' THEN 4 WHEN 'ujian_kognitif' THEN 8 WHEN 'portofolio' THEN 16 WHEN 'wawancara' THEN 32 WHEN 'kompeten' THEN 64 WHEN 'belum_kompeten' THEN 128 WHEN 'sertifikat_terbit' THEN 256 WHEN 'kedaluwarsa' THEN 512 ELSE 0 END)
  WHERE `id` = new.`person_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `certification_stages_kept_delete` AFTER DELETE ON `certification_stages` BEGIN
  UPDATE `people` SET `current_stage` = (SELECT `stage` FROM `certification_stages` WHERE `person_id` = old.`person_id` ORDER BY `reached_at` DESC, `id` DESC LIMIT 1), `stages_reached` = (SELECT coalesce(sum(DISTINCT CASE `stage` WHEN 'terdaftar' THEN 1 WHEN 'seleksi_administrasi' THEN 2 WHEN 'bimtek' THEN 4 WHEN 'ujian_kognitif' THEN 8 WHEN 'portofolio' THEN 16 WHEN 'wawancara' THEN 32 WHEN 'kompeten' THEN 64 WHEN 'belum_kompeten' THEN 128 WHEN 'sertifikat_terbit' THEN 256 WHEN 'kedaluwarsa' THEN 512 ELSE 0 END), 0) FROM `certification_stages` WHERE `person_id` = old.`person_id`)
  WHERE `id` = old.`person_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `certification_stages_kept_update` AFTER UPDATE OF `person_id`, `stage`, `reached_at` ON `certification_stages` BEGIN
  UPDATE `people` SET `current_stage` = (SELECT `stage` FROM `certification_stages` WHERE `person_id` = `people`.`id` ORDER BY `reached_at` DESC, `id` DESC LIMIT 1), `stages_reached` = (SELECT coalesce(sum(DISTINCT CASE `stage` WHEN 'terdaftar' THEN 1 WHEN 'seleksi_administrasi' THEN 2 WHEN 'bimtek' THEN 4 WHEN 'ujian_kognitif' THEN 8 WHEN 'portofolio' THEN 16 WHEN 'wawancara' THEN 32 WHEN 'kompeten' THEN 64 WHEN 'belum_kompeten' THEN 128 WHEN 'sertifikat_terbit' THEN 256 WHEN 'kedaluwarsa' THEN 512 ELSE 0 END), 0) FROM `certification_stages` WHERE `person_id` = `people`.`id`)
  WHERE `id` IN (old.`person_id`, new.`person_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_insert` AFTER INSERT ON `outbox` WHEN new.`status` IN ('sent', 'late', 'failed', 'skipped') BEGIN
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  VALUES ((new.`due_at` + 25200000) / 86400000, coalesce((SELECT `province_code` FROM `people` WHERE `id` = new.`person_id`), ''), new.`channel`, new.`kind` = 'reminder', new.`status`, 1)
  ON CONFLICT DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_delete` AFTER DELETE ON `outbox` WHEN old.`status` IN ('sent', 'late', 'failed', 'skipped') BEGIN
  UPDATE `outbox_days` SET `count` = `count` - 1 WHERE `day` = (old.`due_at` + 25200000) / 86400000 AND `province_code` = coalesce((SELECT `province_code` FROM `people` WHERE `id` = old.`person_id`), '') AND `channel` = old.`channel` AND `reminder` = (old.`kind` = 'reminder') AND `status` = old.`status`;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_update` AFTER UPDATE OF `due_at`, `channel`, `kind`, `status`, `person_id` ON `outbox`
WHEN (old.`status` IN ('sent', 'late', 'failed', 'skipped') OR new.`status` IN ('sent', 'late', 'failed', 'skipped')) AND (
  (old.`due_at` + 25200000) / 86400000 IS NOT (new.`due_at` + 25200000) / 86400000 OR old.`channel` IS NOT new.`channel`
  OR (old.`kind` = 'reminder') IS NOT (new.`kind` = 'reminder') OR old.`status` IS NOT new.`status` OR old.`person_id` IS NOT new.`person_id`)
BEGIN
  UPDATE `outbox_days` SET `count` = `count` - 1 WHERE `day` = (old.`due_at` + 25200000) / 86400000 AND `province_code` = coalesce((SELECT `province_code` FROM `people` WHERE `id` = old.`person_id`), '') AND `channel` = old.`channel` AND `reminder` = (old.`kind` = 'reminder') AND `status` = old.`status` AND old.`status` IN ('sent', 'late', 'failed', 'skipped');
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  SELECT (new.`due_at` + 25200000) / 86400000, coalesce((SELECT `province_code` FROM `people` WHERE `id` = new.`person_id`), ''), new.`channel`, new.`kind` = 'reminder', new.`status`, 1 WHERE new.`status` IN ('sent', 'late', 'failed', 'skipped')
  ON CONFLICT DO UPDATE SET `count` = `count` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `outbox_days_province` AFTER UPDATE OF `province_code` ON `people`
WHEN old.`province_code` IS NOT new.`province_code`
BEGIN
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  SELECT (`due_at` + 25200000) / 86400000, coalesce(old.`province_code`, ''), `channel`, `kind` = 'reminder', `status`, -count(*) FROM `outbox`
  WHERE `person_id` = new.`id` AND `status` IN ('sent', 'late', 'failed', 'skipped') GROUP BY 1, 3, 4, 5
  ON CONFLICT DO UPDATE SET `count` = `count` + excluded.`count`;
  INSERT INTO `outbox_days` (`day`, `province_code`, `channel`, `reminder`, `status`, `count`)
  SELECT (`due_at` + 25200000) / 86400000, coalesce(new.`province_code`, ''), `channel`, `kind` = 'reminder', `status`, count(*) FROM `outbox`
  WHERE `person_id` = new.`id` AND `status` IN ('sent', 'late', 'failed', 'skipped') GROUP BY 1, 3, 4, 5
  ON CONFLICT DO UPDATE SET `count` = `count` + excluded.`count`;
END;
--> statement-breakpoint
-- The cascade from people to outbox runs after the person's row is gone, when the outbox trigger
-- could no longer find their province: their messages go first, counted out under it.
CREATE TRIGGER `outbox_days_person_delete` BEFORE DELETE ON `people` BEGIN
  DELETE FROM `outbox` WHERE `person_id` = old.`id`;
END;