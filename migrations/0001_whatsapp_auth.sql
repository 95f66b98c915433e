CREATE TABLE `whatsapp_auth` (
	`type` text NOT NULL,
	`id` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`type`, `id`)
);
