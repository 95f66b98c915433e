ALTER TABLE `bimtek_sessions` ADD `cancelled_at` integer;--> statement-breakpoint
ALTER TABLE `bimtek_sessions` ADD `cancel_reason` text;