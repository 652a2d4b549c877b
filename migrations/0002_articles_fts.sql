-- Full-text index of published articles. Its rowid is search_documents.id. Diacritics are folded
-- (souverainete matches souveraineté) and prefix indexes keep `norv*` fast.
CREATE VIRTUAL TABLE `articles_fts` USING fts5(
	`title`,
	`standfirst`,
	`body`,
	`tags`,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
--> statement-breakpoint
CREATE TRIGGER `search_documents_after_delete` AFTER DELETE ON `search_documents` BEGIN
	DELETE FROM `articles_fts` WHERE rowid = old.id;
END;
