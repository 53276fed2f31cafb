-- PostgreSQL keeps the sequence cache at 1: with more, each connection hands out its own block of values, and
-- events.seq would drift further from creation order across connections. nextval there costs no commit.
SELECT 1;
