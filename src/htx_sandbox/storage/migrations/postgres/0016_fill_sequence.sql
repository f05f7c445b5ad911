-- History with HTX's query_id paging (issue 14). Every fill gets its place in the exchange's
-- sequence of fills (match results' query_id): the match id is shared by every fill of one
-- taker order, so it cannot page. Fills written before are numbered in the order they were
-- made (match ids were one per fill then; a match's maker fill came before its taker fill).
ALTER TABLE trades ADD COLUMN query_id BIGINT NOT NULL DEFAULT 0;
UPDATE trades SET query_id = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY trade_id, role) AS n FROM trades) AS numbered
WHERE trades.id = numbered.id;
CREATE INDEX trades_by_query_id ON trades (uid, contract_code, query_id);
-- The public tape's restart read goes by the fill sequence too.
DROP INDEX trades_tape;
CREATE INDEX trades_tape ON trades (query_id) WHERE role = 'taker';
