CREATE TABLE `name_checks` (
	`number` text NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`number`, `day`)
);
