-- price_limit_rate: the price band's half-width around the index (default 0.06, HTX's hard limit).
ALTER TABLE contracts ADD COLUMN price_limit_rate TEXT NOT NULL DEFAULT '0.06';
