CREATE TABLE `article_documents` (
	`article_id` text PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`slug` text,
	`teaser` text,
	`etag` text,
	`keys` text,
	`body` text,
	FOREIGN KEY (`article_id`) REFERENCES `articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `article_documents_slug` ON `article_documents` (`slug`);--> statement-breakpoint
INSERT INTO `article_documents` (`article_id`) SELECT `id` FROM `articles`;
--> statement-breakpoint
CREATE TRIGGER `article_documents_new` AFTER INSERT ON `articles` BEGIN
	INSERT OR IGNORE INTO `article_documents` (`article_id`) VALUES (new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_article` AFTER UPDATE ON `articles` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` IN (old.`id`, new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_tag_added` AFTER INSERT ON `article_tags` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` = new.`article_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_tag_changed` AFTER UPDATE ON `article_tags` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` IN (old.`article_id`, new.`article_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_tag_removed` AFTER DELETE ON `article_tags` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` = old.`article_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_credit_added` AFTER INSERT ON `article_credits` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` = new.`article_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_credit_changed` AFTER UPDATE ON `article_credits` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` IN (old.`article_id`, new.`article_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_credit_removed` AFTER DELETE ON `article_credits` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` = old.`article_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_tag` AFTER UPDATE OF `slug`, `name` ON `tags`
WHEN old.`slug` IS NOT new.`slug` OR old.`name` IS NOT new.`name` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` IN (SELECT `article_id` FROM `article_tags` WHERE `tag_id` = new.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `article_documents_credit` AFTER UPDATE ON `credits`
WHEN old.`name` IS NOT new.`name` OR old.`organization` IS NOT new.`organization` OR old.`url` IS NOT new.`url` OR old.`license` IS NOT new.`license` BEGIN
	UPDATE `article_documents` SET `version` = `version` + 1, `slug` = NULL, `teaser` = NULL, `etag` = NULL, `keys` = NULL, `body` = NULL
	WHERE `article_id` IN (SELECT `article_id` FROM `article_credits` WHERE `credit_id` = new.`id`);
END;
