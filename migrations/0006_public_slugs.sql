ALTER TABLE `article_slugs` ADD `public_at` integer;--> statement-breakpoint
-- A slug was public if it is a published article's slug now, or if a publication in the audit log
-- served a revision with that slug; a draft's working slug matches neither and stops redirecting.
UPDATE `article_slugs` SET `public_at` = `created_at`
WHERE `slug` IN (SELECT `slug` FROM `articles` WHERE `status` = 'published')
   OR EXISTS (
     SELECT 1 FROM `audit_log` a
     JOIN `article_revisions` r ON r.`article_id` = a.`article_id` AND r.`number` = json_extract(a.`details`, '$.revision')
     WHERE a.`article_id` = `article_slugs`.`article_id` AND a.`action` = 'article.publish'
       AND json_extract(r.`snapshot`, '$.slug') = `article_slugs`.`slug`
   );
