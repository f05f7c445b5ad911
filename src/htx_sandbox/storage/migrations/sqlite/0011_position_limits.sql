-- swap_position_limit: the most contracts one UID may hold long (buy_limit) and short
-- (sell_limit) on the contract; NULL is no limit, what every contract had before.
ALTER TABLE contracts ADD COLUMN buy_limit INTEGER;
ALTER TABLE contracts ADD COLUMN sell_limit INTEGER;
