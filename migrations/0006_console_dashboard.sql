CREATE INDEX `channel_identities_chat_idx` ON `channel_identities` (`channel`,`chat_id`);--> statement-breakpoint
CREATE INDEX `outbox_day_cover_idx` ON `outbox` (`due_at`,`channel`,`kind`,`status`,`person_id`);--> statement-breakpoint
CREATE INDEX `people_province_idx` ON `people` (`province_code`);--> statement-breakpoint
CREATE INDEX `registrations_created_idx` ON `registrations` (`created_at`);